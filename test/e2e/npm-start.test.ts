// `npm start` with the documented environment: the bot starts from the environment alone, posts
// the demo incident from its scheduled scan, answers /healthz, /readyz and /metrics, reports a
// missing model as degraded, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { blocksText, botEnvironment } from '../support/agent-harness.ts';
import { eventually } from '../support/eventually.ts';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { botPid } from '../support/npm-start-process.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describeWithCluster('npm start', () => {
  const cluster = useTestCluster();
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let child: ChildProcess;
  let healthPort: number;
  let output = '';
  const prefix = uniquePrefix('npm-start');

  beforeAll(async () => {
    const ns = await cluster.createNamespace('demo');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    healthPort = await freePort();
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: await botEnvironment({
        slack, ollama, kubeconfigPath: cluster.info.kubeconfigPath, namespace: ns, prefix, healthPort,
        extra: { SCAN_INTERVAL_SECONDS: '5' },
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  });

  afterAll(async () => {
    // If a test failed before SIGTERM, end the bot itself too: killing npm alone would orphan it.
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
    await slack?.close();
    await ollama?.close();
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${healthPort}${path}`);

  it('posts the demo incident and answers health, readiness and metrics', { timeout: 90_000 }, async () => {
    await slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 60_000);

    const healthz = await get('/healthz');
    expect(healthz.status).toBe(200);

    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: {
      redis: 'ok', kubernetes: 'ok', slack: 'ok', ollama: 'ok',
      prometheus: 'off: PROMETHEUS_URL is not set: no Prometheus signals, no CPU throttling incidents',
    } });

    // The analysis job counts the incident once it returns, a moment after its message is posted.
    let metrics = await get('/metrics');
    let text = await metrics.text();
    await eventually('the incident is counted', async () => {
      metrics = await get('/metrics');
      text = await metrics.text();
      return /^kube_ai_sre_incidents_detected_total\{/m.test(text);
    });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/^kube_ai_sre_scans_total\{namespace="[^"]+",trigger="schedule",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^kube_ai_sre_incidents_detected_total\{kind="OOMCrashLoop",family="memory",source="(?:scan|watch)"\} 1$/m);
    expect(text).toMatch(/^kube_ai_sre_llm_calls_total\{model="mistral",outcome="ok"\} 1$/m);
    expect(text).toContain('kube_ai_sre_queue_depth');
    // Structured JSON logs, no secrets.
    expect(output).toContain('"msg":"kube-ai-sre-agent started"');
    expect(output).not.toContain(slack.identity.botToken);
    expect(output).not.toContain(slack.identity.signingSecret);
  });

  it('is degraded, not unready, when the model is missing', async () => {
    ollama.setModels([]);
    await eventually('readiness degraded', async () => {
      const res = await get('/readyz');
      const body = (await res.json()) as { status: string; checks: Record<string, string> };
      return res.status === 200 && body.status === 'degraded' && /model "mistral" is not pulled/.test(body.checks.ollama ?? '');
    });
  });

  it('drains and exits 0 on SIGTERM', async () => {
    // SIGTERM goes to the bot's own process (as the kubelet sends it to a container's node), not npm.
    const bot = botPid(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(bot, 'SIGTERM');
    // npm exits with the bot's own exit code.
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
    expect(output).toContain('"msg":"kube-ai-sre-agent stopped"');
  });
});
