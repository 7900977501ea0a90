// RuntimeOOM: a container that ended with an error (not OOMKilled) because its runtime ran out of
// heap: the JVM, Node.js, Go or Python said so in its last log lines. The kernel did not kill it,
// so the container limit is not what ran out: the heap setting is (see recommend/runtime-heap.ts).
import type { Detection } from '../model.ts';
import { isKubeletKill } from './exit-code.ts';

export type Runtime = NonNullable<Detection['runtime']>;

const SIGNATURES: Array<[Runtime, RegExp]> = [
  ['jvm', /java\.lang\.OutOfMemoryError\b/],
  ['node', /JavaScript heap out of memory/],
  ['go', /fatal error: runtime: out of memory/],
  ['python', /^\s*(?:\w+\.)*MemoryError\b/],
];
const LINE_MAX = 300;

export interface RuntimeOomMatch {
  runtime: Runtime;
  /** The log line that says so (the last one, trimmed). */
  line: string;
}

/** The runtime's own out-of-memory line in a log tail, the last one when several. */
export function runtimeOomIn(log: string): RuntimeOomMatch | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    for (const [runtime, re] of SIGNATURES) {
      if (re.test(line)) {
        const t = line.trim();
        return { runtime, line: t.length > LINE_MAX ? `${t.slice(0, LINE_MAX - 1)}…` : t };
      }
    }
  }
  return undefined;
}

/** A crash loop whose previous log may show a runtime heap OOM: the process ended itself. */
export function runtimeOomCandidate(d: Detection): boolean {
  return d.kind === 'CrashLoop' && !isKubeletKill(d.exitCode);
}

/** The crash loop `d`, re-read as the runtime heap OOM its log shows. */
export function asRuntimeOom(d: Detection, match: RuntimeOomMatch, heapFlags: string[] | undefined): Detection {
  const setting = heapFlags && heapFlags.length > 0 ? `heap setting: ${heapFlags.join(', ')}` : 'heap setting: none (the runtime default applies)';
  return {
    ...d,
    kind: 'RuntimeOOM',
    runtime: match.runtime,
    ...(heapFlags && heapFlags.length > 0 ? { heapFlags } : {}),
    facts: [d.facts[0]!, `runtime out of memory: ${match.line}`, setting, ...d.facts.slice(1)],
  };
}
