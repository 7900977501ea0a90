import { describe, expect, it } from 'vitest';
import { heapCap, recommendRuntimeHeap } from '../../../src/core/recommend/runtime-heap.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema } from '../../../src/core/policy/schema.ts';
import type { Detection } from '../../../src/core/model.ts';
import { crashLoop, detection } from '../../fixtures/detections/memory.ts';

const Mi = 1024 ** 2;
const runtimeOom = (over: Partial<Detection>): Detection => detection(crashLoop, { kind: 'RuntimeOOM', reason: 'Error', exitCode: 1, memoryLimit: '1Gi', memoryRequest: '512Mi', ...over });

describe('recommendRuntimeHeap', () => {
  it.each([
    {
      name: 'JVM -Xmx far below the limit: raise the heap, keep the limit',
      d: runtimeOom({ runtime: 'jvm', heapFlags: ['-Xmx512m (args)'] }),
      limit: '1Gi', setting: '-Xmx768m', basis: /heap -Xmx512m is 512Mi, 50% of the 1Gi limit: the heap ran out, not the container/,
    },
    {
      name: 'JVM -Xmx filling the container: heap ×1.5 and the limit at heap/0.75',
      d: runtimeOom({ runtime: 'jvm', heapFlags: ['-Xmx900m (env JAVA_TOOL_OPTIONS)'] }),
      limit: '1920Mi', setting: '-Xmx1350m', basis: /88% of the 1Gi limit: it already fills the container; raise the heap ×1\.5 to 1350Mi \(-Xmx1350m\) with the limit at heap\/0\.75 = 1800Mi → 1920Mi/,
    },
    {
      name: 'JVM without a setting runs at the default 25%: set the percentage, keep the limit',
      d: runtimeOom({ runtime: 'jvm' }),
      limit: '1Gi', setting: '-XX:MaxRAMPercentage=75', basis: /heap JVM default MaxRAMPercentage=25 is 256Mi, 25% of the 1Gi limit/,
    },
    {
      name: 'JVM at 80%: the heap follows the limit, so the limit rises',
      d: runtimeOom({ runtime: 'jvm', heapFlags: ['-XX:MaxRAMPercentage=80.0 (env JAVA_TOOL_OPTIONS)'] }),
      limit: '1664Mi', setting: '-XX:MaxRAMPercentage=75', basis: /80% of the 1Gi limit: it already fills the container/,
    },
    {
      name: 'Node.js --max-old-space-size below the limit',
      d: runtimeOom({ runtime: 'node', heapFlags: ['--max-old-space-size=384 (env NODE_OPTIONS)'] }),
      limit: '1Gi', setting: '--max-old-space-size=768', basis: /38% of the 1Gi limit/,
    },
    {
      name: 'Node.js with its default heap: cap it at 75% of the limit',
      d: runtimeOom({ runtime: 'node' }),
      limit: '1Gi', setting: '--max-old-space-size=768', basis: /Node\.js heap at its default size ran out/,
    },
    {
      name: 'Go has no heap cap: the limit gets the VPA bump',
      d: runtimeOom({ runtime: 'go' }),
      limit: '1280Mi', setting: undefined, basis: /go has no heap cap to raise/,
    },
  ])('$name', ({ d, limit, setting, basis }) => {
    const r = recommendRuntimeHeap(d);
    expect(r).toMatchObject({ rule: 'runtime-heap', limit, request: '512Mi' });
    expect(r.runtimeSetting).toBe(setting);
    expect(r.basis).toMatch(basis);
    expect(recommendMemory(d)).toEqual(r);
  });

  it('asks for a limit first when there is none', () => {
    expect(recommendRuntimeHeap(runtimeOom({ runtime: 'jvm', memoryLimit: undefined }))).toMatchObject({ rule: 'none' });
  });

  it('reads the heap cap from the first heap flag', () => {
    expect(heapCap(['-Xmx2g (args)'], 4096 * Mi)?.bytes).toBe(2048 * Mi);
    expect(heapCap(['-XX:MaxRAMPercentage=50 (env JAVA_OPTS)'], 1024 * Mi)?.bytes).toBe(512 * Mi);
    expect(heapCap([], 1024 * Mi)).toBeUndefined();
  });

  it('a heap fix that keeps the limit passes the policy (it is not a decrease)', () => {
    const policy = PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'default' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0123ABCD'] } });
    const d = runtimeOom({ runtime: 'jvm', heapFlags: ['-Xmx512m (args)'] });
    const diagnosis = { source: 'rule-based' as const, promptVersion: 'rules-v1', rootCauses: [], explanation: '', confidence: 0.7, evidence: [] };
    const v = evaluatePolicy([policy], { detection: d, recommendation: recommendMemory(d), diagnosis });
    expect(v).toMatchObject({ allowed: true, recommendedLimit: '1Gi' });
  });
});
