// `kube-ai-sre doctor` as a user runs it: the real binary, the environment `npm start` would read,
// the agent's ServiceAccount from manifests/agent/rbac.yaml on the test API server, real Redis,
// the fake Slack and the fake Ollama. All good: exit 0 and a checklist; then one thing broken.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writePolicy } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../support/fake-slack/index.ts';
import { runCli } from '../support/run-cli.ts';
import { doctorEnv, kubeconfigFile } from '../usecases/doctor/doctor-run.ts';

describeWithCluster('kube-ai-sre doctor', () => {
  const cluster = useTestCluster();
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let env: Record<string, string>;

  beforeAll(async () => {
    await cluster.applyManifest('agent/rbac.yaml');
    const ns = await cluster.createNamespace('doctor-cli');
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    const kubeconfig = await kubeconfigFile(await cluster.serviceAccountKubeConfig('kube-ai-sre', 'kube-ai-sre-agent'));
    const all = doctorEnv({ slack, ollama, kubeconfig, policyDir: await writePolicy([DEFAULT_USER.id]), namespaces: ns, extra: { FORECAST_HORIZON_MINUTES: '0' } });
    env = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  });
  afterAll(async () => {
    await slack?.close();
    await ollama?.close();
  });

  it('prints one line per check and exits 0 when the setup is right', async () => {
    const res = await runCli(['doctor'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines.filter((l) => /^\S/.test(l))).toEqual(['Configuration', 'Slack', 'Kubernetes', 'Redis', 'Ollama', 'Prometheus', 'Alertmanager', 'Policies', expect.stringMatching(/— ready to start$/)]);
    expect(lines.filter((l) => l.startsWith('  ✗'))).toEqual([]);
    for (const line of [
      '  ✓ bot token ', '  ✓ incident channel ', '  ✓ API server ', '  ✓ RBAC: reads ', '  ✓ RBAC: no writes ', '  ✓ test call ', '  ✓ approvers ',
    ]) expect(lines.some((l) => l.startsWith(line)), line).toBe(true);
    expect(res.stdout).toContain('as system:serviceaccount:kube-ai-sre:kube-ai-sre-agent');
    expect(res.stdout).not.toContain(slack.identity.botToken);
  });

  it('answers --json for machines', async () => {
    const res = await runCli(['doctor', '--json'], env);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { ok: boolean; exitCode: number; summary: { fail: number }; checks: Array<{ id: string; status: string }> };
    expect(report).toMatchObject({ ok: true, exitCode: 0, summary: { fail: 0 } });
    expect(report.checks.map((c) => c.id)).toEqual([
      'config.env', 'slack.token', 'slack.scopes', 'slack.channel', 'slack.mode',
      'kubernetes.config', 'kubernetes.reachable', 'kubernetes.namespaces', 'kubernetes.rbac.reads', 'kubernetes.rbac.writes', 'kubernetes.metrics',
      'redis.reachable', 'redis.persistence', 'redis.eviction',
      'ollama.reachable', 'ollama.model', 'ollama.embed-model', 'ollama.chat',
      'prometheus.reachable',
      'alertmanager.receiver',
      'policies.valid', 'policies.approvers',
    ]);
  });

  it('exits with the code of the first failed check, the failure carrying its fix', async () => {
    const res = await runCli(['doctor'], { ...env, SLACK_CHANNEL_ID: 'C0GENERAL', OLLAMA_MODEL: 'llama3' });
    expect(res.code).toBe(11);
    expect(res.stdout).toContain('✗ incident channel  the bot is not a member of C0GENERAL (not_in_channel) → fix: in the channel, type /invite @sre-bot');
    expect(res.stdout).toMatch(/✗ chat model +llama3 is not pulled .* → fix: ollama pull llama3/);
    expect(res.stdout).toMatch(/2 failed/);
  });
});
