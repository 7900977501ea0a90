// The same Slack app with an app-level token: it connects to the fake's Socket Mode WebSocket and
// acks every envelope within Slack's 3 s (the fake rejects a late ack), then does the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ socketMode: true });
});

afterAll(async () => {
  await h?.close();
});

describe('Socket Mode', () => {
  it('connects through apps.connections.open with the app token and serves no HTTP port', () => {
    const open = h.fake.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe(h.fake.identity.appToken);
    expect(h.slack.port).toBeUndefined();
  });

  it('acks `/sre scan demo` with the ephemeral notice, then audits and enqueues the scan', async () => {
    const payload = h.fake.payloads.slashCommand({ text: 'scan demo' });
    const ack = await h.fake.socket.sendPayload(payload, { ackTimeoutMs: 3000 });
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'Scanning demo… new incidents go to the incident channel; the summary comes here.' });
    await expect.poll(async () => (await h.queues.scan.getJobs(['waiting'])).map((j) => j.data)).toEqual([
      { namespace: 'demo', trigger: 'slash', requestedBy: ALICE.id, responseUrl: payload.body.response_url },
    ]);
    expect((await h.audit.latest(1))[0]).toMatchObject({ action: 'scan_requested', actor: ALICE.id, actorName: 'Alice M.', subject: { namespace: 'demo' } });
  });

  it('answers `/sre help` in the ack', async () => {
    const ack = await h.fake.socket.sendPayload(h.fake.payloads.slashCommand({ text: 'help' }), { ackTimeoutMs: 3000 });
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Usage:') });
  });

  it('acks an Approve click and records the decision, updating the message', async () => {
    const incident = await h.seedIncident();
    const ack = await h.fake.socket.sendPayload(
      h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: ALICE, message: { ts: incident.slack.ts } }),
      { ackTimeoutMs: 3000 },
    );
    expect(ack.envelope_id).toEqual(expect.any(String));
    const update = await h.fake.waitForCall('chat.update', (c) => c.args.ts === incident.slack.ts);
    expect(JSON.stringify(update.args.blocks)).toContain('Approved');
    expect(await h.store.get(incident.id)).toMatchObject({ status: 'approved', decision: { userId: ALICE.id } });
    expect((await h.auditFor(incident.id)).map((e) => e.action)).toEqual(['decision']);
  });
});
