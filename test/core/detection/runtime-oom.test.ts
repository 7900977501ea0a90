import { describe, expect, it } from 'vitest';
import { asRuntimeOom, runtimeOomCandidate, runtimeOomIn } from '../../../src/core/detection/runtime-oom.ts';
import { crashLoopRule } from '../../../src/core/detection/crash-loop.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const JVM_LOG = [
  '2026-11-28 09:12:40.118  INFO 1 --- [main] c.e.orders.OrdersApplication : Started OrdersApplication in 7.2 seconds',
  '2026-11-28 09:13:02.551 ERROR 1 --- [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception',
  'Exception in thread "http-nio-8080-exec-3" java.lang.OutOfMemoryError: Java heap space',
  '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
  '\tat com.example.orders.ReportBuilder.build(ReportBuilder.java:88)',
].join('\n');

const NODE_LOG = [
  '<--- Last few GCs --->',
  '[1:0x5d3e2c0]    91234 ms: Mark-Compact 2045.1 (2083.3) -> 2044.2 (2083.6) MB, 1632.4 / 0.0 ms  (average mu = 0.102, current mu = 0.011) allocation failure',
  'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ' 1: 0xb7b3e0 node::Abort() [node]',
].join('\n');

describe('runtimeOomIn', () => {
  it.each([
    { name: 'JVM', log: JVM_LOG, runtime: 'jvm', line: 'Exception in thread "http-nio-8080-exec-3" java.lang.OutOfMemoryError: Java heap space' },
    { name: 'Node.js', log: NODE_LOG, runtime: 'node', line: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
    { name: 'Go', log: 'fatal error: runtime: out of memory\n\nruntime stack:\nruntime.throw({0x8a1f3e, 0x16})', runtime: 'go', line: 'fatal error: runtime: out of memory' },
    { name: 'Python', log: 'Traceback (most recent call last):\n  File "/app/etl.py", line 41, in <module>\n    rows = load_all()\nMemoryError', runtime: 'python', line: 'MemoryError' },
  ])('finds the $name out-of-memory line', ({ log, runtime, line }) => {
    expect(runtimeOomIn(log)).toEqual({ runtime, line });
  });

  it.each([
    ['an ordinary crash', 'panic: runtime error: invalid memory address or nil pointer dereference'],
    ['a mention inside another word or message', 'handled SomeMemoryErrorHandler ok\nretrying after OutOfMemoryErrorCount=0'],
    ['an empty log', ''],
  ])('finds nothing in %s', (_name, log) => {
    expect(runtimeOomIn(log)).toBeUndefined();
  });
});

describe('asRuntimeOom', () => {
  const crash = crashLoopRule.detect(parsePod(kubeFixture('pod-exit1-crashloop')))[0]!;

  it('re-reads a crash loop as a runtime heap OOM with the line and the heap setting as facts', () => {
    expect(runtimeOomCandidate(crash)).toBe(true);
    const d = asRuntimeOom(crash, runtimeOomIn(JVM_LOG)!, ['-Xmx512m (args)']);
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'RuntimeOOM', runtime: 'jvm', heapFlags: ['-Xmx512m (args)'], exitCode: 1 });
    expect(d.facts.slice(1, 3)).toEqual([
      'runtime out of memory: Exception in thread "http-nio-8080-exec-3" java.lang.OutOfMemoryError: Java heap space',
      'heap setting: -Xmx512m (args)',
    ]);
    expect(asRuntimeOom(crash, runtimeOomIn(NODE_LOG)!, undefined).facts[2]).toBe('heap setting: none (the runtime default applies)');
  });

  it('never considers kubelet kills or other kinds', () => {
    expect(runtimeOomCandidate({ ...crash, exitCode: 137 })).toBe(false);
    expect(runtimeOomCandidate({ ...crash, kind: 'OOMCrashLoop' })).toBe(false);
  });
});
