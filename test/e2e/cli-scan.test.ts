// `kube-ai-sre scan` end to end: the real binary against the real test API server, the demo
// manifests made to look like the seed's scenario, and the fake Ollama answering.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama.ts';
import { runCli } from '../support/run-cli.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function writeTemp(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sre-cli-')), name);
  await writeFile(path, text);
  return path;
}

const CRASH_LOG = [
  'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
  'allocating 150M in 1 worker, password=hunter2-do-not-leak',
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
].join('\n');

describeWithCluster('kube-ai-sre scan against the test API server', () => {
  const cluster = useTestCluster();
  let ollama: FakeOllama;
  let ns: string;
  let env: Record<string, string>;
  let unreachableKubeconfig: string;

  beforeAll(async () => {
    ollama = await startFakeOllama();
    ns = await cluster.createNamespace('demo');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: CRASH_LOG, current: '' });
    await cluster.postEvent({
      namespace: ns, involved: { kind: 'Pod', name: 'memory-hog', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff', message: 'Back-off restarting failed container app in pod memory-hog', count: 9,
    });
    unreachableKubeconfig = await writeTemp('unreachable', cluster.kc.exportConfig().split(cluster.info.server).join(`https://127.0.0.1:${await freePort()}`));
    env = { KUBECONFIG: cluster.info.kubeconfigPath, OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '5000' };
  });
  afterAll(async () => ollama?.close());

  it('reports the hard OOM of memory-hog with the LLM diagnosis, recommendation and verdict', async () => {
    const res = await runCli(['scan', ns], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1); // incidents found
    expect(res.stdout).toContain(`Incident: memory-hog (${ns})`);
    expect(res.stdout).toMatch(/Container app \(app\): OOMKilled x5, restarts 5, limit 64Mi, request 32Mi/);
    expect(res.stdout).toContain('(LLM: mistral)');
    expect(res.stdout).toContain('Recommended memory: 176Mi (rule: vpa-oom-bump');
    expect(res.stdout).toMatch(/Policy: allowed \(default\)/);
    expect(res.stdout).toContain('Auto-remediation: DISABLED');
    expect(res.stdout).not.toContain('slow-memory-hog');

    // Exactly one LLM call, and the crashed container's log reached it redacted.
    const chats = ollama.chatRequests();
    expect(chats).toHaveLength(1);
    const prompt = JSON.stringify(chats[0]);
    expect(prompt).toContain('worker 7 got signal 9');
    expect(prompt).not.toContain('hunter2');
  });

  it('prints machine-readable JSON with --json and skips the LLM with --no-llm', async () => {
    const before = ollama.chatRequests().length;
    const res = await runCli(['scan', ns, '--json', '--no-llm'], env);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { incidents: Array<Record<string, unknown>>; podsChecked: number };
    expect(out.podsChecked).toBe(2);
    expect(out.incidents).toHaveLength(1);
    expect(out.incidents[0]).toMatchObject({
      namespace: ns, pod: 'memory-hog', container: 'app', kind: 'OOMCrashLoop',
      memoryLimit: '64Mi', diagnosisSource: 'rule-based', fallbackReason: 'llm_disabled',
      recommendation: { limit: '176Mi', rule: 'vpa-oom-bump' },
    });
    expect(ollama.chatRequests().length).toBe(before);
    // The cluster as the agent would name it: the kubeconfig's cluster, or CLUSTER_NAME.
    expect(out.incidents[0]!.cluster).toBe(cluster.kc.getCurrentCluster()?.name);
    const named = JSON.parse((await runCli(['scan', ns, '--json', '--no-llm'], { ...env, CLUSTER_NAME: 'prod-eu' })).stdout) as typeof out;
    expect(named.incidents[0]).toMatchObject({ cluster: 'prod-eu', kind: 'OOMCrashLoop' });
    expect(named.incidents[0]!.fingerprint).not.toBe(out.incidents[0]!.fingerprint);
  });

  it.each([
    ['a namespace that does not exist', () => ['scan', 'no-such-namespace-e2e'], 3, /namespace "no-such-namespace-e2e" does not exist/],
    ['an unreachable API server', () => ['scan', ns, '--kubeconfig', unreachableKubeconfig], 5, /unreachable|connect/i],
    ['a kubeconfig that cannot be loaded', () => ['scan', ns, '--kubeconfig', '/nonexistent/kubeconfig'], 8, /kubeconfig/],
  ])('gives one clear line and an exit code for %s', async (_name, args, code, line) => {
    const res = await runCli(args(), env);
    expect(res.code).toBe(code);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(line);
  });

  it('says when Ollama is down, still reports rule-based, and exits 7', async () => {
    const res = await runCli(['scan', ns], { ...env, OLLAMA_HOST: 'http://127.0.0.1:9' });
    expect(res.code).toBe(7);
    expect(res.stdout).toContain('rule-based (llm_unreachable)');
    expect(res.stderr.trim()).toBe('ollama unavailable at http://127.0.0.1:9 (llm_unreachable): reports are rule-based; '
      + 'for the LLM explanation start Ollama (`ollama serve`, then `ollama pull mistral`) or set OLLAMA_HOST, and scan again');
  });

  it('reports RBAC refusals with exit 4', async () => {
    await cluster.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'no-rights' } } });
    const kc = await cluster.serviceAccountKubeConfig(ns, 'no-rights');
    const res = await runCli(['scan', ns, '--kubeconfig', await writeTemp('kubeconfig', kc.exportConfig())], env);
    expect(res.code).toBe(4);
    expect(res.stderr.trim()).toMatch(/^error: forbidden: cannot list pods in namespace/);
  });
});
