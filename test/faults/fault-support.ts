// What the fault and hostile-input tests share: metric reads, health probes, the one incident post
// of a pod, and a namespace with the demo's crash-looping memory-hog.
import { expect } from 'vitest';
import type { Harness } from '../support/agent-harness.ts';
import type { TestClusterContext } from '../support/cluster-context.ts';
import type { ApiCall } from '../support/fake-slack/index.ts';
import type { LogEntry } from '../support/recording-logger.ts';

/** Sum of the samples of `name` whose labels include every pair of `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? ([0-9.eE+-]+|NaN|\+Inf)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

export async function metric(h: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  return metricValue(await h.agent.metrics.scrape(), `kube_ai_sre_${name}`, labels);
}

export async function probe(h: Harness, path: '/healthz' | '/readyz'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${h.agent.healthPort}${path}`);
  return { status: res.status, body: await res.text() };
}

/** The header of an incident message: "🔴 OOM crash loop: Pod/memory-hog in kind-kind/demo" (cluster/namespace; namespace alone before clusters were recorded). */
export function headerText(call: ApiCall): string {
  const [first] = (call.args.blocks ?? []) as Array<{ type?: string; text?: { text?: string } }>;
  return first?.type === 'header' ? String(first.text?.text ?? '') : '';
}

/** Incident messages (top level, accepted by Slack) whose header names the bare pod `pod` in `namespace` (of any cluster). */
export function incidentPosts(h: Harness, namespace: string, pod = 'memory-hog'): ApiCall[] {
  return h.slack.callsTo('chat.postMessage').filter((c) => {
    if (c.args.thread_ts || c.status !== 200 || c.response.ok !== true) return false;
    const header = headerText(c);
    const at = header.lastIndexOf(` in `);
    const where = header.slice(at + 4);
    return at >= 0 && header.slice(0, at).endsWith(`/${pod}`) && (where === namespace || (where.endsWith(`/${namespace}`) && !where.slice(0, -namespace.length - 1).includes(' ')));
  });
}

/** A fresh namespace with the demo pods; memory-hog is OOM crash-looping, slow-memory-hog runs. */
export async function oomNamespace(cluster: TestClusterContext, prefix: string, log?: string): Promise<string> {
  const ns = await cluster.createNamespace(prefix);
  await cluster.applyDemo(ns);
  await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
  await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
  if (log !== undefined) await cluster.setLogs(ns, 'memory-hog', 'app', { previous: log, current: '' });
  return ns;
}

/** Log entries at warn or error whose message or fields match. */
export function problems(entries: readonly LogEntry[], match: RegExp): LogEntry[] {
  return entries.filter((e) => (e.level === 'warn' || e.level === 'error') && match.test(`${e.msg ?? ''} ${JSON.stringify(e.fields)}`));
}

/** The agent still serves: /healthz answers 200. */
export async function expectServing(h: Harness): Promise<void> {
  expect((await probe(h, '/healthz')).status).toBe(200);
}

/** The audit chain is intact and holds an entry for each of `actions` about `incidentId`. */
export async function expectAudited(h: Harness, incidentId: string, actions: string[]): Promise<void> {
  expect(await h.audit.verify()).toMatchObject({ ok: true });
  const mine = (await h.auditEntries()).filter((e) => e.incidentId === incidentId).map((e) => e.action);
  for (const a of actions) expect(mine).toContain(a);
}
