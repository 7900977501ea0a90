// `npm start` with partial configuration. Nothing configured: one block on stderr saying what is
// missing, what would be limited, and that `kube-ai-sre doctor` checks each item; exit 78. No
// Slack token and an API server that is down: the same kind of block, and the bot keeps running,
// unready on /readyz with the reason, until SIGTERM.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { botPid } from '../support/npm-start-process.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { unreachableKubeconfig } from '../usecases/doctor/doctor-run.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCTOR_LINE = 'Run `npx kube-ai-sre doctor` (same environment) to check each item, with how to fix it.';

/** What a user's shell gives npm: the system PATH, a HOME without ~/.kube, no bot variables. */
async function bareEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH, HOME: await mkdtemp(join(tmpdir(), 'sre-home-')), npm_config_update_notifier: 'false',
    // Loopback only, whatever the defaults.
    OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`, REDIS_URL: SHARED_REDIS_URL,
    ...extra,
  };
}

describe('npm start with partial configuration', () => {
  it('lists everything missing in one block, points at doctor, and exits 78', async () => {
    const env = await bareEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', PORT: 'eighty' });
    const res = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('npm', ['start', '--silent'], { cwd: ROOT, env }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
    });
    expect(res.code).toBe(78);
    expect(res.stdout).toBe('');
    expect(res.stderr.trimEnd().split('\n')).toEqual([
      'kube-ai-sre-agent cannot start: 4 things missing or invalid, 1 limitation',
      expect.stringMatching(/^ {2}✗ PORT: /),
      '  ✗ SLACK_CHANNEL_ID: required when SLACK_BOT_TOKEN is set (where incidents are posted)',
      '  ✗ SLACK_SIGNING_SECRET: required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)',
      '  ✗ Kubernetes: no configuration found (KUBECONFIG unset, no ~/.kube/config, not in a pod with a ServiceAccount)',
      '  ! policy default has no approvers: nobody can approve or reject its incidents',
      DOCTOR_LINE,
    ]);
  });

  describe('no Slack token, API server down', () => {
    let child: ChildProcess;
    let healthPort: number;
    let stderr = '';
    let stdout = '';
    const prefix = uniquePrefix('npm-start-partial');

    beforeAll(async () => {
      healthPort = await freePort();
      child = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: await bareEnv({ KUBECONFIG: await unreachableKubeconfig(), HEALTH_PORT: String(healthPort), PORT: String(await freePort()), KEY_PREFIX: prefix, SCAN_NAMESPACES: 'demo' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    });
    afterAll(async () => {
      if (child && child.exitCode === null) {
        try {
          process.kill(botPid(child.pid!), 'SIGKILL');
        } catch {
          // already gone
        }
        child.kill('SIGKILL');
      }
      const redis = await connectRedis(SHARED_REDIS_URL, 'store');
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    });

    it('starts, says what is limited in one block, and is unready on /readyz with the reason', { timeout: 60_000 }, async () => {
      await eventually('the health port answers', async () => {
        try {
          return (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status === 200;
        } catch {
          return false;
        }
      }, 40_000);
      expect(stderr.trimEnd().split('\n')).toEqual([
        'kube-ai-sre-agent is starting with 2 limitations',
        '  ! policy default has no approvers: nobody can approve or reject its incidents',
        '  ! SLACK_BOT_TOKEN not set: incidents are detected, stored and audited, but not posted to Slack',
        DOCTOR_LINE,
      ]);
      const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.kubernetes).toMatch(/^failed: waiting to begin work: k8s_unreachable: /);
      expect(body.checks.redis).toBe('ok');
      expect(stdout).toContain('"msg":"started without the API server answering: scans and the pod watch begin when it does"');
      expect(child.exitCode).toBeNull();
    });

    it('stops cleanly on SIGTERM while still waiting', async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      process.kill(botPid(child.pid!), 'SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"kube-ai-sre-agent stopped"');
    });
  });
});
