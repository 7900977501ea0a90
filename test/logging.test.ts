import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.ts';

describe('createLogger', () => {
  it('writes JSON lines with child bindings and redacts secret fields', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', sink).child({ incidentId: 'oom-1' });
    log.info({ botToken: 'xoxb-secret', headers: { authorization: 'Bearer abc' }, slack: { signingSecret: 'shh' }, pod: 'web' }, 'posted');
    log.debug({}, 'not shown at info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ msg: 'posted', incidentId: 'oom-1', pod: 'web', service: 'kube-ai-sre-agent', botToken: '[redacted]' });
    expect(lines[0]).not.toMatch(/xoxb-secret|Bearer abc|shh/);
  });
});
