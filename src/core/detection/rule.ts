// One detection rule per file behind this interface; registry.ts runs them all.
import type { Detection, PodSnapshot } from '../model.ts';

export interface DetectionRule {
  id: string;
  detect(pod: PodSnapshot): Detection[];
}
