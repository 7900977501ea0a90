// The recommendation for a runtime heap OOM. The runtime, not the kernel, ran out: its heap
// setting decides, so the container limit is compared with the heap instead of bumped blindly.
// A JVM or Node.js heap that leaves room in the container is raised inside the same limit (heap at
// 75% of the limit, the usual share that leaves room for the rest of the process); a heap that
// already fills the container is raised by half with the limit raised to keep that share. Go and
// Python have no heap cap to move: their process needed more memory, so the limit gets VPA's bump.
import type { Detection, Recommendation } from '../model.ts';
import { describeBytes, formatBytes, MEBIBYTE, toBytes } from '../quantity.ts';

const HEAP_SHARE = 0.75;
const HEAP_RAISE = 1.5;
const JVM_DEFAULT_PERCENT = 25;

type Heap = { flag: 'xmx' | 'percent' | 'old-space'; bytes: number; text: string };

const UNIT: Record<string, number> = { k: 1024, m: MEBIBYTE, g: 1024 * MEBIBYTE, '': 1 };

/** The heap cap a runtime will use inside a container of `limit` bytes, from its flags. */
export function heapCap(flags: string[], limit: number): Heap | undefined {
  for (const f of flags) {
    const xmx = /^-Xmx(\d+)([kKmMgG]?)/.exec(f);
    if (xmx) return { flag: 'xmx', bytes: Number(xmx[1]) * UNIT[xmx[2]!.toLowerCase()]!, text: f.split(' ')[0]! };
    const pct = /^-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(f);
    if (pct) return { flag: 'percent', bytes: (limit * Number(pct[1])) / 100, text: f.split(' ')[0]! };
    const old = /^--max-old-space-size=(\d+)/.exec(f);
    if (old) return { flag: 'old-space', bytes: Number(old[1]) * MEBIBYTE, text: f.split(' ')[0]! };
  }
  return undefined;
}

function setting(runtime: 'jvm' | 'node', flag: Heap['flag'] | 'default', heapBytes: number): string {
  const mi = Math.floor(heapBytes / MEBIBYTE);
  if (runtime === 'node') return `--max-old-space-size=${mi}`;
  return flag === 'percent' || flag === 'default' ? `-XX:MaxRAMPercentage=${HEAP_SHARE * 100}` : `-Xmx${mi}m`;
}

export function recommendRuntimeHeap(d: Detection): Recommendation {
  const limit = d.memoryLimit === undefined ? undefined : toBytes(d.memoryLimit);
  const runtime = d.runtime;
  if (limit === undefined || limit <= 0) {
    return { limit: '', limitBytes: 0, rule: 'none', basis: 'no container memory limit is set: set one, then size the heap to about 75% of it; no limit can be recommended' };
  }
  const l = describeBytes(limit);
  if (runtime === 'go' || runtime === 'python' || runtime === undefined) {
    const needed = Math.max(limit + 100 * MEBIBYTE, limit * 1.2);
    const out = formatBytes(needed);
    return {
      limit: out,
      limitBytes: toBytes(out) ?? needed,
      ...(d.memoryRequest !== undefined ? { request: d.memoryRequest } : {}),
      rule: 'runtime-heap',
      basis: `${runtime ?? 'the runtime'} has no heap cap to raise: the process needed more than the ${l} limit → max(${l}+100Mi, ${l}×1.2) → ${out}`,
    };
  }
  const heap = heapCap(d.heapFlags ?? [], limit) ?? (runtime === 'jvm' ? { flag: 'percent' as const, bytes: (limit * JVM_DEFAULT_PERCENT) / 100, text: `JVM default MaxRAMPercentage=${JVM_DEFAULT_PERCENT}` } : undefined);
  if (heap === undefined) {
    // Node.js without --max-old-space-size sizes its heap itself: cap it at the usual share.
    const target = limit * HEAP_SHARE;
    const runtimeSetting = setting('node', 'default', target);
    return keep(d, limit, runtimeSetting, `Node.js heap at its default size ran out: set ${runtimeSetting} (75% of the ${l} limit) and keep the limit`);
  }
  const share = heap.bytes / limit;
  const h = describeBytes(heap.bytes);
  if (share < HEAP_SHARE) {
    const runtimeSetting = setting(runtime, heap.flag === 'percent' ? 'percent' : heap.flag, limit * HEAP_SHARE);
    return keep(d, limit, runtimeSetting, `heap ${heap.text} is ${h}, ${Math.round(share * 100)}% of the ${l} limit: the heap ran out, not the container; raise it to ${runtimeSetting} and keep the limit`);
  }
  const newHeap = heap.bytes * HEAP_RAISE;
  const needed = newHeap / HEAP_SHARE;
  const out = formatBytes(Math.max(needed, limit));
  const outBytes = toBytes(out) ?? needed;
  const runtimeSetting = heap.flag === 'percent' ? setting(runtime, 'percent', 0) : setting(runtime, heap.flag, newHeap);
  return {
    limit: out,
    limitBytes: outBytes,
    ...(d.memoryRequest !== undefined ? { request: d.memoryRequest } : {}),
    rule: 'runtime-heap',
    runtimeSetting,
    basis: `heap ${heap.text} is ${h}, ${Math.round(share * 100)}% of the ${l} limit: it already fills the container; raise the heap ×1.5 to ${describeBytes(newHeap)} (${runtimeSetting}) with the limit at heap/0.75 = ${describeBytes(needed)} → ${out}`,
  };
}

function keep(d: Detection, limit: number, runtimeSetting: string, basis: string): Recommendation {
  return {
    limit: d.memoryLimit!,
    limitBytes: limit,
    ...(d.memoryRequest !== undefined ? { request: d.memoryRequest } : {}),
    rule: 'runtime-heap',
    runtimeSetting,
    basis,
  };
}
