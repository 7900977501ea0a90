// `kube-ai-sre scan --from-file`: a saved `kubectl get pods,events -o json` analyzed offline.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/kube/${name}`, import.meta.url));
const env = { OLLAMA_HOST: 'http://127.0.0.1:9' };

describe('kube-ai-sre scan --from-file', () => {
  it('finds every incident of a dump with its family (a 137 with no probe events is a plain crash loop)', async () => {
    const res = await runCli(['scan', '--from-file', fixture('dump-pods-events.json'), '--json', '--no-llm'], env);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { incidents: Array<{ pod: string; kind: string; family: string; namespace: string }> };
    expect(out.incidents.map((i) => [i.namespace, i.pod, i.kind, i.family]).sort()).toEqual([
      ['shop', 'api-5d59d67564-8gq4n', 'OOMKilled', 'memory'],
      ['shop', 'cache-6f8d9c7b45-tn2qs', 'EvictedMemory', 'memory'],
      ['shop', 'web-7d4b9c8f6-p4k8m', 'CrashLoop', 'crash'],
      ['shop', 'web-7d4b9c8f6-x2x9k', 'OOMCrashLoop', 'memory'],
    ]);
    // A dump comes from no cluster the agent knows.
    expect(out.incidents.map((i) => (i as { cluster?: unknown }).cluster)).toEqual([null, null, null, null]);
  });

  it.each([
    ['pod-exit1-crashloop.json', 'CrashLoop', 'crash'],
    ['pod-imagepullbackoff.json', 'ImagePullFailure', 'image'],
    ['pod-create-config-error.json', 'ConfigError', 'config'],
    ['pod-unschedulable.json', 'Unschedulable', 'scheduling'],
  ])('reports %s as %s in family %s, with no memory recommendation', async (file, kind, family) => {
    const res = await runCli(['scan', '--from-file', fixture(file), '--json', '--no-llm'], env);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { incidents: Array<Record<string, unknown>> };
    expect(out.incidents).toHaveLength(1);
    expect(out.incidents[0]).toMatchObject({ kind, family });
  });

  it('accepts a single Pod and prints the text report', async () => {
    const res = await runCli(['scan', '--from-file', fixture('pod-oom-crashloop-64mi.json'), '--no-llm'], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('Container app (app): OOMKilled x5, restarts 5, limit 64Mi, request 32Mi');
    expect(res.stdout).toContain('Recommended memory: 176Mi');
  });

  it('ignores the bot\'s Slack settings, even incomplete ones', async () => {
    const res = await runCli(['scan', '--from-file', fixture('pod-oom-crashloop-64mi.json'), '--no-llm'], { ...env, SLACK_BOT_TOKEN: 'xoxb-only-a-token' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('');
  });

  it('says there is nothing to report for a pod whose failure is no incident (a disk eviction)', async () => {
    const res = await runCli(['scan', '--from-file', fixture('pod-evicted-disk.json'), '--no-llm'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^no incidents in .* \(1 pod checked\)/);
  });

  it.each([
    [['scan', '--from-file', '/nonexistent.json'], 6, /cannot read \/nonexistent.json: ENOENT/],
    [['scan', '--from-file', fixture('load.ts')], 6, /is not JSON/],
    [['scan'], 2, /usage: kube-ai-sre scan/],
    [['scan', 'a', 'b'], 2, /usage: kube-ai-sre scan/],
    [['scan', 'demo', '--bogus'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('rejects %j with exit %i and a clear message', async (args, code, message) => {
    const res = await runCli(args, env);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});
