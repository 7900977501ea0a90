// The environment is validated once, with every problem named at once.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { problemsOf } from './config-problems.ts';


describe('loadConfig', () => {
  it('works locally with no configuration at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379', OLLAMA_HOST: 'http://127.0.0.1:11434', OLLAMA_MODEL: 'mistral',
      KEY_PREFIX: 'sre:', SCAN_NAMESPACES: [], SCAN_INTERVAL_SECONDS: 60, WATCH_ENABLED: true, LLM_ENABLED: true,
      PORT: 3000, HEALTH_PORT: 8080, LLM_CONCURRENCY: 1, FORECAST_HORIZON_MINUTES: 60,
    });
    expect(c.SLACK_BOT_TOKEN).toBeUndefined();
    expect(c.POLICY_DIR).toBeUndefined();
  });

  it('parses lists, numbers and booleans, and treats empty values as unset', () => {
    const c = loadConfig({ SCAN_NAMESPACES: ' demo, shop ,,prod-eu ', SCAN_INTERVAL_SECONDS: '30', WATCH_ENABLED: 'no', LLM_ENABLED: '0', SLACK_API_URL: '', POLICY_DIR: '' });
    expect(c.SCAN_NAMESPACES).toEqual(['demo', 'shop', 'prod-eu']);
    expect(c.SCAN_INTERVAL_SECONDS).toBe(30);
    expect(c.WATCH_ENABLED).toBe(false);
    expect(c.LLM_ENABLED).toBe(false);
    expect(c.SLACK_API_URL).toBeUndefined();
  });

  it('accepts Socket Mode without a signing secret, and HTTP mode with one', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_CHANNEL_ID: 'C0123ABCD' }).SLACK_APP_TOKEN).toBe('xapp-1');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_CHANNEL_ID: 'C0123ABCD' }).SLACK_SIGNING_SECRET).toBe('abcdef0123456789');
  });

  it('reports every problem at once, each with its variable, cross-variable rules included', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      PORT: 'eighty',
      REDIS_URL: 'localhost:6379',
      WATCH_ENABLED: 'maybe',
      SCAN_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'loud',
    });
    const variables = problems.map((p) => p.split(':')[0]);
    expect(variables).toEqual(expect.arrayContaining([
      'SLACK_BOT_TOKEN', 'PORT', 'REDIS_URL', 'WATCH_ENABLED', 'SCAN_INTERVAL_SECONDS', 'LOG_LEVEL', 'SLACK_CHANNEL_ID', 'SLACK_SIGNING_SECRET',
    ]));
    expect(problems.find((p) => p.startsWith('SLACK_BOT_TOKEN'))).toMatch(/xoxb-/);
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789' }, 'SLACK_CHANNEL_ID: required when SLACK_BOT_TOKEN is set'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL_ID: 'C0123ABCD' }, 'SLACK_SIGNING_SECRET: required in HTTP mode'],
    [{ SLACK_CHANNEL_ID: '#incidents' }, 'SLACK_CHANNEL_ID: must be a channel ID'],
    [{ SLACK_APP_TOKEN: 'xoxb-wrong-kind' }, 'SLACK_APP_TOKEN: must be an app-level token'],
    [{ KEY_PREFIX: 'sre prod' }, 'KEY_PREFIX:'],
    [{ OLLAMA_HOST: 'ftp://ollama' }, 'OLLAMA_HOST:'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it('says it in one message naming the variables', () => {
    expect(() => loadConfig({ PORT: '-1', HEALTH_PORT: '99999' })).toThrow(/invalid configuration:\n {2}PORT: .*\n {2}HEALTH_PORT: /);
  });
});
