// doctor's Alertmanager line, through `kube-ai-sre doctor --json` with the real port probe: a free
// port is ready for the receiver, the agent's own running receiver is recognised, another program
// on the port fails (exit 13 when it is the first failure), and without ALERTMANAGER_TOKEN the
// line says alerts are not taken.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from '../../../src/adapters/http/alertmanager-receiver.ts';
import { silentLogger } from '../../../src/logging.ts';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

const TOKEN = 'doctor-alertmanager-token-0123456789';

describe('doctor: Alertmanager receiver', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let base: Record<string, string | undefined>;
  let receiver: AlertReceiver;
  let other: Server;
  let otherPort: number;
  let freeAtStart: number;

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    base = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]) });
    receiver = await startAlertReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, maxBodyBytes: 1 << 20, logger: silentLogger, accept: async () => {} });
    other = createServer((_req, res) => res.writeHead(404).end('not here\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as { port: number }).port;
    freeAtStart = await freePort();
  });
  afterAll(async () => {
    await receiver?.close();
    await new Promise((resolve) => other?.close(resolve));
    await slack?.close();
    await ollama?.close();
  });

  const run = (extra: Record<string, string | undefined>) => doctor({ ...base, ...extra });

  it.each<[string, () => Record<string, string | undefined>, string, RegExp]>([
    ['a free port', () => ({ ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_PORT: String(freeAtStart) }), 'ok', /is free for the receiver: .*POST http:\/\/<agent>:\d+\/alertmanager/],
    ['the agent\'s own receiver already there', () => ({ ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_PORT: String(receiver.port) }), 'ok', /the agent's receiver already answers on port \d+/],
    ['another program on the port', () => ({ ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_PORT: String(otherPort) }), 'fail', /is held by another program \(it answered HTTP 404\)/],
    ['no token', () => ({ ALERTMANAGER_TOKEN: undefined }), 'skip', /ALERTMANAGER_TOKEN not set: no webhook receiver/],
  ])('%s', async (_, env, status, detail) => {
    const report = await run(env());
    const line = report.check('alertmanager.receiver');
    expect(line.status).toBe(status);
    expect(line.detail).toMatch(detail);
    if (status === 'fail') expect(line.fix).toContain('ALERTMANAGER_PORT');
  }, 30_000);
});

