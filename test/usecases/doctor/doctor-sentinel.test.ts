// doctor under Redis Sentinel, against sentinels of our own: it finds the master through them and
// reports the setup (master name and address, sentinels and replicas seen); a master name the
// sentinels do not know and sentinels that do not answer fail with the variable to fix; a master
// left without a replica after a failover is a warning.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sentinelResult } from '../../../src/usecases/doctor/check-redis-sentinel.ts';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { describeWithSentinel, startSentinels, type SentinelDeployment } from '../../support/redis-sentinel.ts';
import { eventually } from '../../support/eventually.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

describeWithSentinel('doctor: Redis Sentinel', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let d: SentinelDeployment;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    d = await startSentinels({ downAfterMs: 1_000, failoverTimeoutMs: 3_000 });
    env = doctorEnv({
      slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]),
      extra: { REDIS_SENTINELS: d.sentinelsEnv, REDIS_SENTINEL_MASTER: d.masterName },
    });
  });
  afterAll(async () => {
    await d?.stop();
    await slack?.close();
    await ollama?.close();
  });

  it('reports the master the sentinels name, with the sentinels and replicas it sees', async () => {
    const r = await doctor(env);
    const master = await d.masterPort();
    expect(r.check('redis.reachable')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`at Sentinel master "${d.masterName}" via ${d.sentinelsEnv}`) });
    expect(r.check('redis.sentinel')).toEqual({
      id: 'redis.sentinel', area: 'redis', title: 'sentinel', status: 'ok',
      detail: `master "${d.masterName}" at 127.0.0.1:${master}; 3 sentinel(s), 1 replica(s) up; 3 of 3 configured sentinel(s) answered`,
    });
    expect(r.checks.filter((c) => c.area === 'redis').map((c) => c.id)).toEqual(['redis.reachable', 'redis.persistence', 'redis.eviction', 'redis.sentinel']);
  });

  it('fails a master name the sentinels do not know, saying which variable to fix', async () => {
    const r = await doctor({ ...env, REDIS_SENTINEL_MASTER: 'no-such-master' });
    expect(r.check('redis.reachable')).toMatchObject({ status: 'fail', detail: expect.stringContaining('do not know a master named "no-such-master"'), fix: expect.stringContaining('REDIS_SENTINEL_MASTER') });
    expect(r.check('redis.sentinel')).toMatchObject({ status: 'fail', detail: 'the sentinels know no master named "no-such-master"', fix: expect.stringContaining('REDIS_SENTINEL_MASTER') });
    expect(r.ok).toBe(false);
  });

  it('fails sentinels that do not answer, and warns about one of several that does not', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const none = await doctor({ ...env, REDIS_SENTINELS: nobody });
    expect(none.check('redis.sentinel')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^none of the 1 sentinel\(s\) answered \(127\.0\.0\.1:\d+: .*ECONNREFUSED/), fix: expect.stringContaining('REDIS_SENTINELS') });
    const some = await doctor({ ...env, REDIS_SENTINELS: `${d.sentinelsEnv},${nobody}` });
    expect(some.check('redis.reachable').status).toBe('ok');
    expect(some.check('redis.sentinel')).toMatchObject({ status: 'warn', detail: expect.stringContaining(`3 of 4 configured sentinel(s) answered (${nobody}: `) });
  });

  it('warns when a failover has left the master without a replica', async () => {
    const { promoted } = await d.killMasterAndWaitForFailover();
    // The sentinels list the dead old master as a replica until they see it is down too.
    let r = await doctor(env);
    await eventually('the sentinels to see no replica up', async () => {
      r = await doctor(env);
      return r.check('redis.sentinel').status !== 'ok';
    });
    expect(r.check('redis.reachable').status).toBe('ok');
    expect(r.check('redis.sentinel')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(new RegExp(`^master "${d.masterName}" at 127\\.0\\.0\\.1:${promoted}; 3 sentinel\\(s\\), 0 replica\\(s\\) up; .*no replica`)),
    });
  }, 90_000);
});

it.each([
  [{ answering: 3, configured: 3, master: '10.0.0.5:6379', sentinels: 3, replicas: 2, quorum: { ok: false, message: 'NOQUORUM 1 usable Sentinels' } }, 'warn', /could not be authorised now \(NOQUORUM/],
  [{ answering: 2, configured: 2, master: '10.0.0.5:6379', sentinels: 3, replicas: 2, quorum: { ok: true, message: 'OK 3 usable Sentinels' } }, 'ok', /^master "mymaster" at 10\.0\.0\.5:6379; 3 sentinel\(s\), 2 replica\(s\) up/],
] as const)('judges the sentinel facts %j', (facts, status, detail) => {
  expect(sentinelResult({ masterName: 'mymaster', ...facts })).toMatchObject({ status, detail: expect.stringMatching(detail) });
});
