import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditEntryInput } from '../../src/core/audit/entry.ts';
import type { AuditLog, UserDirectory } from '../../src/ports.ts';
import { withAuditContext } from '../../src/usecases/audit-context.ts';

function recorder(): AuditLog & { inputs: AuditEntryInput[] } {
  const inputs: AuditEntryInput[] = [];
  return {
    inputs,
    append: async (e) => {
      inputs.push(e);
      return { ...e, seq: inputs.length, at: 'now', prevHash: '0'.repeat(64), hash: '0'.repeat(64) } as AuditEntry;
    },
    latest: async () => [],
    verify: async () => ({ ok: true, entries: 0 }),
    export: async function* () {},
    head: async () => ({ seq: 0, hash: '0'.repeat(64) }),
  };
}

const names: Record<string, string> = { U0SREALICE: 'Alice M.' };
const directory: UserDirectory = { displayName: async (id) => names[id] };

describe('withAuditContext', () => {
  it('names the cluster on every subject and the actor by the directory, whatever the caller passed', async () => {
    const inner = recorder();
    const audit = withAuditContext(inner, { cluster: 'prod-eu', users: directory });
    await audit.append({ actor: 'U0SREALICE', actorName: 'alice', action: 'decision', subject: { namespace: 'demo' }, outcome: 'approved' });
    await audit.append({ actor: 'system', action: 'incident_posted', subject: { namespace: 'demo', cluster: 'other' }, outcome: 'posted' });
    await audit.append({ actor: 'U0UNKNOWN', action: 'scan_requested', outcome: 'queued' });
    expect(inner.inputs).toEqual([
      { actor: 'U0SREALICE', actorName: 'Alice M.', action: 'decision', subject: { namespace: 'demo', cluster: 'prod-eu' }, outcome: 'approved' },
      { actor: 'system', action: 'incident_posted', subject: { namespace: 'demo', cluster: 'other' }, outcome: 'posted' },
      { actor: 'U0UNKNOWN', action: 'scan_requested', outcome: 'queued' },
    ]);
    expect(await audit.head?.()).toEqual({ seq: 0, hash: '0'.repeat(64) });
  });

  it('reads the context at each append, so the directory can come later', async () => {
    const inner = recorder();
    const ctx: { cluster?: string; users?: UserDirectory } = {};
    const audit = withAuditContext(inner, ctx);
    await audit.append({ actor: 'U0SREALICE', action: 'decision', outcome: 'approved' });
    ctx.users = directory;
    await audit.append({ actor: 'U0SREALICE', action: 'decision', outcome: 'approved' });
    expect(inner.inputs.map((e) => e.actorName)).toEqual([undefined, 'Alice M.']);
  });
});
