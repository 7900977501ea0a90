// The one entry point for a deterministic recommendation: CPU incidents get a CPU limit, memory
// incidents a memory limit, every other family none (recommendMemory says why).
import type { Detection, Recommendation } from '../model.ts';
import { incidentFamily } from '../detection/family.ts';
import { recommendCpu } from './cpu.ts';
import { recommendMemory, type RecommendOptions } from './memory.ts';

export function recommend(d: Detection, opts: RecommendOptions = {}): Recommendation {
  return incidentFamily(d.kind) === 'cpu' ? recommendCpu(d) : recommendMemory(d, opts);
}
