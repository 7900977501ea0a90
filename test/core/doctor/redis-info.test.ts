import { describe, expect, it } from 'vitest';
import { compareVersions, parseRedisInfo } from '../../../src/core/doctor/redis-info.ts';

describe('parseRedisInfo', () => {
  it('reads version, mode, AOF and eviction policy from INFO sections', () => {
    const info = [
      '# Server', 'redis_version:7.2.4', 'redis_mode:standalone', 'os:Linux 6.1.0 x86_64', '',
      '# Memory', 'used_memory:1024', 'maxmemory_policy:allkeys-lru', '',
      '# Persistence', 'loading:0', 'aof_enabled:1', 'rdb_last_save_time:1700000000', '',
    ].join('\r\n');
    expect(parseRedisInfo(info)).toEqual({ version: '7.2.4', mode: 'standalone', aofEnabled: true, maxmemoryPolicy: 'allkeys-lru' });
  });

  it('leaves out what INFO does not say', () => {
    expect(parseRedisInfo('# Server\r\nredis_version:6.0.0\r\naof_enabled:0\r\n')).toEqual({ version: '6.0.0', aofEnabled: false });
    expect(parseRedisInfo('')).toEqual({});
  });
});

describe('compareVersions', () => {
  it.each([
    ['7.0.15', '6.2.0', 1], ['6.2.0', '6.2.0', 0], ['6.0.9', '6.2.0', -1], ['5', '5.0.0', 0], ['4.0.14', '5.0.0', -1], ['10.0.0', '9.9.9', 1],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});
