// doctor's configuration and policy checks: every invalid variable is named at once, the other
// systems are still checked (a check needing an invalid variable says it was skipped instead of
// testing a default), and broken policy files are named with file and line.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

describe('doctor: configuration and policies', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    env = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]) });
  });
  afterAll(async () => {
    await slack?.close();
    await ollama?.close();
  });

  it('names every invalid variable at once, exits 8, and still checks the rest', async () => {
    const r = await doctor({ ...env, PORT: 'eighty', SLACK_CHANNEL_ID: '#sre-incidents', REDIS_URL: 'localhost:6379' });
    const config = r.check('config.env');
    expect(config.status).toBe('fail');
    expect(config.detail).toMatch(/^3 problems: /);
    for (const v of ['PORT:', 'SLACK_CHANNEL_ID: must be a channel ID such as C0123456789', 'REDIS_URL:']) expect(config.detail).toContain(v);
    expect(r.code).toBe(8);
    // Slack and Ollama were still checked; Redis was not checked at a default address instead.
    expect(r.check('slack.token').status).toBe('ok');
    expect(r.check('slack.channel')).toMatchObject({ status: 'fail', detail: 'SLACK_CHANNEL_ID is invalid or missing: the bot has nowhere to post incidents' });
    expect(r.check('ollama.chat').status).toBe('ok');
    expect(r.check('redis.reachable')).toMatchObject({ status: 'skip', detail: 'REDIS_URL is invalid (see configuration)' });
  });

  it('names the missing half of a Slack setup', async () => {
    const r = await doctor({ ...env, SLACK_SIGNING_SECRET: undefined });
    expect(r.check('config.env').detail).toContain('SLACK_SIGNING_SECRET: required in HTTP mode');
    expect(r.check('slack.mode')).toMatchObject({ status: 'fail', detail: 'SLACK_SIGNING_SECRET: required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)' });
  });

  it('names each broken policy file and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sre-doctor-policies-'));
    await writeFile(join(dir, 'default.yaml'), [
      'apiVersion: kube-ai-sre/v1', 'kind: MemoryPolicy', 'metadata: { name: default }', 'spec:',
      '  namespaces: ["*"]', '  maxMemoryLimit: lots', '  approvers: [U0SREALICE]', '  autoRemediation: true', '',
    ].join('\n'));
    const r = await doctor({ ...env, POLICY_DIR: dir });
    const policies = r.check('policies.valid');
    expect(policies.status).toBe('fail');
    expect(policies.detail).toContain(`${join(dir, 'default.yaml')}:6`);
    expect(policies.detail).toContain('autoRemediation');
    expect(policies.fix).toContain('policies/README.md');
    expect(r.check('policies.approvers').status).toBe('skip');
  });

  it('prints the checklist as text without --json', async () => {
    const { runDoctorCommand } = await import('../../../src/cli/doctor-command.ts');
    let out = '';
    const code = await runDoctorCommand([], { stdout: (t) => (out += t), stderr: () => {}, env: { ...env, SLACK_CHANNEL_ID: 'C0GENERAL' } });
    expect(code).toBe(11);
    const lines = out.split('\n');
    expect(lines).toContain('  ✗ incident channel  the bot is not a member of C0GENERAL (not_in_channel) → fix: in the channel, type /invite @sre-bot');
    expect(lines.filter((l) => /^\S/.test(l)).slice(0, 8)).toEqual(['Configuration', 'Slack', 'Kubernetes', 'Redis', 'Ollama', 'Prometheus', 'Alertmanager', 'Policies']);
    expect(lines.at(-1)).toMatch(/^\d+ checks: \d+ ok, \d+ warnings?, \d+ failed, \d+ skipped — fix the failed checks/);
  });

  it('refuses unknown options with usage (exit 2)', async () => {
    const { runDoctorCommand } = await import('../../../src/cli/doctor-command.ts');
    let err = '';
    expect(await runDoctorCommand(['--yaml'], { stdout: () => {}, stderr: (t) => (err += t), env })).toBe(2);
    expect(err).toContain('kube-ai-sre doctor [--json]');
  });
});
