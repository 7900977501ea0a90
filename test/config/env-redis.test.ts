// The Redis settings: REDIS_URL alone by default; Redis Sentinel with its sentinels and master
// name together; passwords in one place; the audit's replica wait bounded.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { problemsOf } from './config-problems.ts';
import { describeRedisTarget, redisTargetOf } from '../../src/adapters/redis/redis-target.ts';


describe('Redis settings', () => {
  it('use REDIS_URL alone when no sentinel is configured', () => {
    const c = loadConfig({});
    expect(c.REDIS_SENTINELS).toBeUndefined();
    expect(c.REDIS_SENTINEL_TLS).toBe(false);
    expect(c.AUDIT_REPLICA_WAIT_MS).toBe(500);
    expect(redisTargetOf(c)).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(describeRedisTarget(redisTargetOf(c))).toBe('redis://127.0.0.1:6379');
  });

  it('read the sentinels, the master name and the passwords', () => {
    const c = loadConfig({
      REDIS_SENTINELS: ' sentinel-0.redis:26379, 10.0.0.7:26380 ,[fd00::1]:26379',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      REDIS_SENTINEL_TLS: 'true',
      REDIS_URL: 'rediss://sre@ignored-host:6379/2',
      REDIS_PASSWORD: 'p@ss/word',
      AUDIT_REPLICA_WAIT_MS: '0',
    });
    expect(c.REDIS_SENTINELS).toEqual([
      { host: 'sentinel-0.redis', port: 26379 }, { host: '10.0.0.7', port: 26380 }, { host: 'fd00::1', port: 26379 },
    ]);
    expect(c.AUDIT_REPLICA_WAIT_MS).toBe(0);
    const target = redisTargetOf(c);
    expect(target.sentinel).toEqual({
      addresses: c.REDIS_SENTINELS, masterName: 'mymaster', password: 'sentinel-pw', tls: true,
    });
    // The data nodes' password travels in the URL, encoded; it never shows in the description.
    expect(new URL(target.url).password).toBe(encodeURIComponent('p@ss/word'));
    expect(describeRedisTarget(target)).toBe('Sentinel master "mymaster" via sentinel-0.redis:26379,10.0.0.7:26380,[fd00::1]:26379');
  });

  it.each([
    [{ REDIS_SENTINELS: 'a:26379' }, 'REDIS_SENTINEL_MASTER: required when REDIS_SENTINELS is set'],
    [{ REDIS_SENTINEL_MASTER: 'mymaster' }, 'REDIS_SENTINELS: required when REDIS_SENTINEL_MASTER is set'],
    [{ REDIS_SENTINEL_PASSWORD: 'pw' }, 'REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'sentinel-0,b:26379', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "sentinel-0" is not host:port'],
    [{ REDIS_SENTINELS: 'a:0', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "a:0" is not host:port'],
    [{ REDIS_SENTINELS: ' , ', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: names no sentinel'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'my master' }, 'REDIS_SENTINEL_MASTER: letters, digits'],
    [{ REDIS_URL: 'redis://:pw@redis:6379', REDIS_PASSWORD: 'other' }, 'REDIS_PASSWORD: REDIS_URL already has a password'],
    [{ AUDIT_REPLICA_WAIT_MS: '-1' }, 'AUDIT_REPLICA_WAIT_MS:'],
  ])('refuse %j', (env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it('name both halves of a half-configured Sentinel along with other problems', () => {
    const problems = problemsOf({ REDIS_SENTINELS: 'nope', PORT: 'eighty' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PORT', 'REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER']);
  });
});
