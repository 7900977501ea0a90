// The Slack app in HTTP mode through Bolt's real receiver (signature verification on), against
// the fake Slack, real Redis and BullMQ: commands, Approve/Reject, thread questions.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../../src/adapters/redis/queues.ts';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createOllamaClient } from '../../../src/adapters/ollama/llm-client.ts';
import type { ThreadJob } from '../../../src/core/jobs.ts';
import { answerThread } from '../../../src/usecases/answer-thread.ts';
import { parseCheckpointText } from '../../../src/core/audit/checkpoint.ts';
import { REJECT_MODAL_CALLBACK_ID } from '../../../src/adapters/slack/reject-modal.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { SHARED_REDIS_URL } from '../../support/redis-keys.ts';
import { ALICE, BOB, CAROL, CHANNEL, startHarness, type Harness } from './harness.ts';

let h: Harness;
let ollama: FakeOllama;

beforeAll(async () => {
  h = await startHarness();
  ollama = await startFakeOllama();
});

afterAll(async () => {
  await h?.close();
  await ollama?.close();
});

const blocksText = (blocks: unknown) => JSON.stringify(blocks ?? []);

async function jobCounts() {
  const [scan, thread] = await Promise.all([h.queues.scan.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed'), h.queues.thread.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed')]);
  return { scan, thread };
}

describe('request verification', () => {
  it.each([
    ['a forged signature', { signature: 'forged' as const }],
    ['no signature', { signature: 'omit' as const }],
    ['a timestamp 10 minutes old', { staleBySec: 600 }],
  ])('answers 401 to %s and records nothing', async (_name, opts) => {
    const before = { calls: h.fake.calls.length, audit: (await h.audit.latest(1000)).length, jobs: await jobCounts() };
    const incident = await h.seedIncident();
    const afterSeed = { calls: h.fake.calls.length, audit: (await h.audit.latest(1000)).length };
    const payloads = [
      h.fake.payloads.slashCommand({ text: 'scan demo' }),
      h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: ALICE, message: { ts: incident.slack.ts } }),
      h.fake.payloads.messageEvent({ text: 'why?', thread_ts: incident.slack.ts, ts: '1741079999.000100' }),
    ];
    for (const p of payloads) {
      const res = await h.fake.deliver(h.eventsUrl, p, opts);
      expect(res.status).toBe(401);
    }
    expect(h.fake.calls.length).toBe(afterSeed.calls);
    expect((await h.audit.latest(1000)).length).toBe(afterSeed.audit);
    expect(await jobCounts()).toEqual(before.jobs);
    expect((await h.store.get(incident.id))?.status).toBe('open');
    expect(before.audit).toBe(afterSeed.audit);
  });
});

describe('/sre commands', () => {
  it.each([
    ['', undefined],
    ['help', undefined],
    ['frobnicate', 'Unknown subcommand'],
    ['scan Demo', 'lowercase'],
    ['audit 500', 'from 1 to 50'],
    ['<!channel> hi', 'Unknown subcommand'],
  ])('answers %j with ephemeral usage help', async (text, notice) => {
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.slashCommand({ text }));
    expect(res.status).toBe(200);
    const body = res.json as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body.blocks)).toContain('/sre scan &lt;namespace&gt;');
    if (notice) expect(body.text).toContain(notice);
    expect(body.text).not.toContain('<!channel>');
  });

  it('survives fuzzed command text: always 200 and an ephemeral answer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ minLength: 400, maxLength: 700 })), async (text) => {
        // Only commands answered from the ack itself: scans would enqueue real jobs.
        fc.pre(!/^\s*scan\s/i.test(text));
        const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.slashCommand({ text }));
        expect(res.status).toBe(200);
        // Help and invalid input answer in the ack; reads answer later through respond().
        if (res.text !== '') expect(res.json).toMatchObject({ response_type: 'ephemeral' });
      }),
      { numRuns: 50 },
    );
    // Still serving after the fuzzing.
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.slashCommand({ text: 'help' }));
    expect(res.status).toBe(200);
  });

  it('acks `scan demo` at once, audits it and enqueues the scan; the job replies to the response_url', async () => {
    const workerRedis = await connectRedis(SHARED_REDIS_URL, 'worker');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const started: string[] = [];
    const worker = startWorker(
      'scan',
      async (job) => {
        started.push(job.data.namespace);
        await gate;
        await h.slack.reply(job.data.responseUrl!, `Scan of ${job.data.namespace}: no memory incidents.`);
      },
      { connection: workerRedis, prefix: `${h.prefix}bull`, concurrency: 1, logger: h.logger },
    );
    try {
      const payload = h.fake.payloads.slashCommand({ text: 'scan demo', user: CAROL });
      // The job cannot finish before the gate opens, which happens only after the HTTP answer.
      const res = await h.fake.deliver(h.eventsUrl, payload);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Scanning demo… new incidents go to the incident channel; the summary comes here.' });
      await expect.poll(async () => (await h.audit.latest(20)).find((e) => e.action === 'scan_requested' && e.actor === CAROL.id)).toMatchObject({
        actorName: 'carol',
        subject: { namespace: 'demo' },
        outcome: 'queued',
        details: { channel: CHANNEL },
      });
      await expect.poll(() => started, { timeout: 10_000 }).toEqual(['demo']);
      open();
      const reply = await h.fake.waitForResponse((r) => r.url === payload.body.response_url);
      expect(reply.body).toEqual({ text: 'Scan of demo: no memory incidents.', response_type: 'ephemeral', replace_original: false });
      const jobs = await h.queues.scan.getJobs(['completed', 'active', 'waiting']);
      expect(jobs.map((j) => j.data)).toContainEqual({ namespace: 'demo', trigger: 'slash', requestedBy: CAROL.id, responseUrl: payload.body.response_url });
    } finally {
      open();
      await worker.close();
      await workerRedis.quit();
    }
  });

  it('lists open incidents with links, ephemerally', async () => {
    const incident = await h.seedIncident();
    const payload = h.fake.payloads.slashCommand({ text: 'incidents' });
    const res = await h.fake.deliver(h.eventsUrl, payload);
    expect(res.status).toBe(200);
    const reply = await h.fake.waitForResponse((r) => r.url === payload.body.response_url);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toContain(`https://slack.com/archives/${CHANNEL}/p${incident.slack.ts.replace('.', '')}`);
    expect(reply.body.text).toContain('Deployment/checkout in demo');
  });

  it('shows a workload’s history with its decisions', async () => {
    const incident = await h.seedIncident({ workload: { kind: 'Deployment', name: 'payments' } });
    await h.store.decide(incident.id, { action: 'reject', userId: BOB.id, userName: 'bob', at: '2025-03-04T10:00:00Z', reason: 'fixing the leak' });
    for (const text of ['history demo/payments', 'history demo/deployment/payments', 'history deploy/payments']) {
      const payload = h.fake.payloads.slashCommand({ text });
      expect((await h.fake.deliver(h.eventsUrl, payload)).status).toBe(200);
      const reply = await h.fake.waitForResponse((r) => r.url === payload.body.response_url);
      expect(reply.body.text).toContain('*Deployment/payments* in demo: 1 incident');
      expect(reply.body.text).toContain('rejected by <@U0SREBOB>');
      expect(reply.body.text).toContain('fixing the leak');
    }
    const unknown = h.fake.payloads.slashCommand({ text: 'history nowhere' });
    await h.fake.deliver(h.eventsUrl, unknown);
    expect((await h.fake.waitForResponse((r) => r.url === unknown.body.response_url)).body.text).toContain('history <namespace>/nowhere');
  });

  it('answers audit, policy and stats', async () => {
    const ask = async (text: string) => {
      const payload = h.fake.payloads.slashCommand({ text });
      expect((await h.fake.deliver(h.eventsUrl, payload)).status).toBe(200);
      return String((await h.fake.waitForResponse((r) => r.url === payload.body.response_url)).body.text);
    };
    for (let i = 0; i < 3; i++) await h.audit.append({ actor: 'system', action: 'command', outcome: `marker ${i}` });
    const latest = await h.audit.latest(3);
    const audit = await ask('audit 3');
    expect(audit).toMatch(/^Chain check: intact \(\d+ entries verified\)\.\n\*Latest 3 audit entries\* \(newest first\):/);
    expect(audit.split('\n').slice(2).map((l) => /^• #(\d+) /.exec(l)?.[1])).toEqual(latest.map((e) => String(e.seq)));
    expect(audit).toContain('command by system: marker 2');
    expect(await ask('policy kube-system')).toContain('namespace kube-system is protected');
    expect(await ask('policy')).toContain('default: namespaces *');
    expect(await ask('stats')).toContain('Stats are unavailable');
  });

  it('posts an audit checkpoint for an approver, refuses anyone else, and audits both', async () => {
    const ask = async (text: string, user = ALICE) => {
      const payload = h.fake.payloads.slashCommand({ text, user });
      expect((await h.fake.deliver(h.eventsUrl, payload)).status).toBe(200);
      return String((await h.fake.waitForResponse((r) => r.url === payload.body.response_url)).body.text);
    };
    expect(await ask('audit checkpoint', CAROL)).toBe('Only approvers named in a policy can post an audit checkpoint.');
    expect((await h.audit.latest(1))[0]).toMatchObject({ action: 'audit_checkpoint', actor: CAROL.id, outcome: 'refused: not an approver' });

    const reply = await ask('audit checkpoint');
    const head = await h.audit.head();
    expect((await h.audit.latest(1))[0]).toMatchObject({ seq: head.seq, action: 'audit_checkpoint', actor: ALICE.id, actorName: 'Alice M.', outcome: 'requested' });
    expect(reply).toBe(`Audit checkpoint posted in <#${CHANNEL}>: seq ${head.seq}, hash \`${head.hash}\`. \`kube-ai-sre audit verify --against-slack\` checks the trail against it.`);
    const posted = h.fake.messages(CHANNEL).at(-1);
    expect(parseCheckpointText(posted?.text ?? '')).toMatchObject(head);
  });
});

describe('Approve / Reject', () => {
  it('records an approver’s click once, audits it and updates the message in place', async () => {
    const incident = await h.seedIncident();
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: ALICE, message: { ts: incident.slack.ts } }));
    expect(res.status).toBe(200);
    const update = await h.fake.waitForCall('chat.update', (c) => c.args.ts === incident.slack.ts);
    expect(update.args.channel).toBe(CHANNEL);
    expect(blocksText(update.args.blocks)).toContain('Approved');
    expect(blocksText(update.args.blocks)).not.toContain('incident_approve');
    expect(h.fake.message(CHANNEL, incident.slack.ts)?.history).toHaveLength(1);
    const stored = await h.store.get(incident.id);
    // The name is the directory's display name (users.info), not the click's handle.
    expect(stored).toMatchObject({ status: 'approved', decision: { action: 'approve', userId: ALICE.id, userName: 'Alice M.' } });
    const entries = await h.auditFor(incident.id);
    expect(entries.map((e) => [e.action, e.outcome, e.actorName])).toEqual([['decision', 'approved', 'Alice M.']]);
    expect(entries[0]!.subject).toMatchObject({ namespace: 'demo', workload: { kind: 'Deployment', name: 'checkout' }, container: 'app', fingerprint: incident.fingerprint });
    expect(h.decisions).toContainEqual({ action: 'approve', outcome: 'recorded' });
  });

  it('refuses a non-approver privately and audits the refusal', async () => {
    const incident = await h.seedIncident();
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: CAROL, message: { ts: incident.slack.ts } }));
    expect(res.status).toBe(200);
    await expect.poll(() => h.fake.ephemerals.find((e) => e.user === CAROL.id && e.text?.includes('only the approvers'))).toBeDefined();
    expect((await h.store.get(incident.id))?.status).toBe('open');
    expect((await h.auditFor(incident.id)).map((e) => [e.action, e.actor, e.outcome])).toEqual([['decision_refused', CAROL.id, 'refused: not an approver']]);
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === incident.slack.ts)).toEqual([]);
  });

  it('records exactly one decision when 20 clicks arrive at once', async () => {
    const incident = await h.seedIncident();
    const clicks = Array.from({ length: 20 }, (_, i) =>
      h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: i % 2 ? BOB : ALICE, message: { ts: incident.slack.ts } }),
    );
    const results = await Promise.all(clicks.map((c) => h.fake.deliver(h.eventsUrl, c)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    await expect.poll(async () => (await h.auditFor(incident.id)).length, { timeout: 15_000 }).toBe(20);
    const entries = await h.auditFor(incident.id);
    expect(entries.filter((e) => e.action === 'decision')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'decision_refused').every((e) => e.outcome === 'refused: already approved')).toBe(true);
    await expect.poll(() => h.fake.callsTo('chat.update').filter((c) => c.args.ts === incident.slack.ts).length).toBe(1);
    const verify = await h.audit.verify();
    expect(verify.ok).toBe(true);
  });

  it('rejects with a reason through the modal', async () => {
    const incident = await h.seedIncident();
    const click = h.fake.payloads.blockAction({ actionId: 'incident_reject', value: incident.id, user: BOB, message: { ts: incident.slack.ts } });
    expect((await h.fake.deliver(h.eventsUrl, click)).status).toBe(200);
    const open = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === click.body.trigger_id);
    const view = open.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ type: string; element?: { max_length?: number } }> };
    expect(view.callback_id).toBe(REJECT_MODAL_CALLBACK_ID);
    expect(JSON.parse(view.private_metadata)).toEqual({ incidentId: incident.id, channel: CHANNEL, ts: incident.slack.ts });
    expect(view.blocks.find((b) => b.type === 'input')?.element?.max_length).toBe(1000);
    expect((await h.store.get(incident.id))?.status).toBe('open');

    const empty = await h.fake.deliver(h.eventsUrl, h.fake.payloads.viewSubmission({ callbackId: REJECT_MODAL_CALLBACK_ID, privateMetadata: view.private_metadata, user: BOB, values: { reject_reason: { reason: { type: 'plain_text_input', value: '  ' } } } }));
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ response_action: 'errors', errors: { reject_reason: expect.any(String) } });
    expect((await h.store.get(incident.id))?.status).toBe('open');

    const reason = 'The leak fix ships tomorrow; <!here> a bigger limit would hide it';
    const submit = await h.fake.deliver(h.eventsUrl, h.fake.payloads.viewSubmission({ callbackId: REJECT_MODAL_CALLBACK_ID, privateMetadata: view.private_metadata, user: BOB, values: { reject_reason: { reason: { type: 'plain_text_input', value: reason } } } }));
    expect(submit.status).toBe(200);
    expect(submit.text).toBe('');
    const update = await h.fake.waitForCall('chat.update', (c) => c.args.ts === incident.slack.ts);
    expect(blocksText(update.args.blocks)).toContain('Rejected');
    expect(blocksText(update.args.blocks)).toContain('&lt;!here&gt;');
    expect(blocksText(update.args.blocks)).not.toContain('<!here>');
    expect(await h.store.get(incident.id)).toMatchObject({ status: 'rejected', decision: { action: 'reject', userId: BOB.id, reason } });
    expect((await h.auditFor(incident.id)).map((e) => [e.action, e.outcome, e.details?.reason])).toEqual([['decision', 'rejected', reason]]);
  });

  it('refuses Reject to a non-approver before any modal opens, and audits it', async () => {
    const incident = await h.seedIncident();
    const click = h.fake.payloads.blockAction({ actionId: 'incident_reject', value: incident.id, user: CAROL, message: { ts: incident.slack.ts } });
    expect((await h.fake.deliver(h.eventsUrl, click)).status).toBe(200);
    await expect.poll(async () => (await h.auditFor(incident.id)).map((e) => [e.action, e.outcome, e.details?.stage])).toEqual([['decision_refused', 'refused: not an approver', 'before_reason_modal']]);
    await expect.poll(() => h.fake.ephemerals.filter((e) => e.user === CAROL.id && e.text?.includes('cannot reject')).length).toBeGreaterThan(0);
    expect(h.fake.callsTo('views.open').filter((c) => c.args.trigger_id === click.body.trigger_id)).toEqual([]);
  });

  it('names a person the same way on an approval and a rejection, looking them up once', async () => {
    const approved = await h.seedIncident();
    const rejected = await h.seedIncident();
    const lookups = () => h.fake.callsTo('users.info').filter((c) => c.args.user === BOB.id).length;
    const before = lookups();
    await h.fake.deliver(h.eventsUrl, h.fake.payloads.blockAction({ actionId: 'incident_approve', value: approved.id, user: BOB, message: { ts: approved.slack.ts } }));
    const click = h.fake.payloads.blockAction({ actionId: 'incident_reject', value: rejected.id, user: BOB, message: { ts: rejected.slack.ts } });
    await h.fake.deliver(h.eventsUrl, click);
    const open = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === click.body.trigger_id);
    const meta = (open.args.view as { private_metadata: string }).private_metadata;
    await h.fake.deliver(h.eventsUrl, h.fake.payloads.viewSubmission({ callbackId: REJECT_MODAL_CALLBACK_ID, privateMetadata: meta, user: BOB, values: { reject_reason: { reason: { type: 'plain_text_input', value: 'not now' } } } }));
    await expect.poll(async () => (await h.store.get(rejected.id))?.status).toBe('rejected');
    const names = [...(await h.auditFor(approved.id)), ...(await h.auditFor(rejected.id))].map((e) => [e.action, e.outcome, e.actor, e.actorName]);
    expect(names).toEqual([['decision', 'approved', BOB.id, 'bob'], ['decision', 'rejected', BOB.id, 'bob']]);
    expect((await h.store.get(approved.id))?.decision?.userName).toBe((await h.store.get(rejected.id))?.decision?.userName);
    expect(lookups() - before).toBeLessThanOrEqual(1);
  });

  it('tells a late clicker who decided first', async () => {
    const incident = await h.seedIncident();
    await h.fake.deliver(h.eventsUrl, h.fake.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: ALICE, message: { ts: incident.slack.ts } }));
    await expect.poll(async () => (await h.store.get(incident.id))?.status).toBe('approved');
    await h.fake.deliver(h.eventsUrl, h.fake.payloads.blockAction({ actionId: 'incident_reject', value: incident.id, user: BOB, message: { ts: incident.slack.ts } }));
    await expect.poll(() => h.fake.ephemerals.find((e) => e.user === BOB.id && e.text?.startsWith('This incident was already approved by <@U0SREALICE>'))).toBeDefined();
  });
});

describe('thread questions', () => {
  const threadJobs = async () => (await h.queues.thread.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).map((j) => j.data as ThreadJob);

  it('enqueues a question once even when Slack retries the event, and answers it redacted and escaped', async () => {
    const incident = await h.seedIncident();
    const question = h.fake.payloads.messageEvent({ text: 'Why 256Mi? our DB_PASSWORD=hunter2 is in the env', thread_ts: incident.slack.ts, ts: '1741080000.000201', eventId: 'Ev0RETRY0001' });
    expect((await h.fake.deliver(h.eventsUrl, question)).status).toBe(200);
    expect((await h.fake.deliver(h.eventsUrl, question, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await expect.poll(() => h.logger.records.some((r) => r.msg === 'thread question already queued (Slack retry)' && r.fields.messageTs === '1741080000.000201')).toBe(true);
    const jobs = (await threadJobs()).filter((j) => j.incidentId === incident.id);
    expect(jobs).toEqual([{ incidentId: incident.id, channel: CHANNEL, threadTs: incident.slack.ts, messageTs: '1741080000.000201', userId: ALICE.id, text: 'Why 256Mi? our DB_PASSWORD=hunter2 is in the env' }]);

    ollama.setBehavior({ kind: 'reply', content: 'The peak reached the 128Mi limit. <!channel> use token=abc123secret to check.' });
    const llm = createOllamaClient({ host: ollama.url, model: 'mistral', timeoutMs: 5000 });
    const result = await answerThread({ store: h.store, llm, notifier: h.slack.notifier, audit: h.audit, clock: h.clock, logger: h.logger }, jobs[0]!);
    expect(result.answered).toBe('llm');
    const sent = ollama.chatRequests().at(-1)!;
    expect(JSON.stringify(sent.messages)).not.toContain('hunter2');
    expect(sent.format).toBeUndefined();
    const replies = h.fake.threadReplies(CHANNEL, incident.slack.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('&lt;!channel&gt;');
    expect(replies[0]!.text).not.toContain('<!channel>');
    expect(replies[0]!.text).not.toContain('abc123secret');
    expect((await h.auditFor(incident.id)).map((e) => [e.action, e.actor, e.outcome])).toEqual([['thread_question', ALICE.id, 'answered']]);
  });

  it('ignores bot messages, edits, top-level messages and threads that are not incidents', async () => {
    const incident = await h.seedIncident();
    const before = (await threadJobs()).length;
    const ignored = [
      h.fake.payloads.messageEvent({ text: 'a bot chiming in', bot_id: 'B0OTHERBOT', thread_ts: incident.slack.ts }),
      h.fake.payloads.messageEvent({ text: 'our own echo', bot_id: h.fake.identity.botId, thread_ts: incident.slack.ts }),
      h.fake.payloads.messageChanged({ ts: '1741080000.000301', text: 'edited question', previousText: 'question', thread_ts: incident.slack.ts }),
      h.fake.payloads.messageEvent({ text: 'a top-level message' }),
    ];
    for (const p of ignored) expect((await h.fake.deliver(h.eventsUrl, p)).status).toBe(200);
    const elsewhere = h.fake.payloads.messageEvent({ text: 'a question in another thread', thread_ts: '1741000000.000001', ts: '1741080000.000302' });
    expect((await h.fake.deliver(h.eventsUrl, elsewhere)).status).toBe(200);
    await expect.poll(() => h.logger.records.some((r) => r.msg === 'not an incident thread' && r.fields.messageTs === '1741080000.000302')).toBe(true);
    const sentinel = h.fake.payloads.messageEvent({ text: 'a real question', thread_ts: incident.slack.ts, ts: '1741080000.000303' });
    await h.fake.deliver(h.eventsUrl, sentinel);
    await expect.poll(async () => (await threadJobs()).length).toBe(before + 1);
    expect((await threadJobs()).filter((j) => j.incidentId === incident.id).map((j) => j.text)).toEqual(['a real question']);
  });

  it('answers plainly when the LLM is unreachable', async () => {
    const incident = await h.seedIncident();
    const down = await startFakeOllama();
    const url = down.url;
    await down.close();
    const llm = createOllamaClient({ host: url, model: 'mistral', timeoutMs: 3000 });
    const job: ThreadJob = { incidentId: incident.id, channel: CHANNEL, threadTs: incident.slack.ts, messageTs: '1741080000.000401', userId: ALICE.id, text: 'what happened?' };
    const result = await answerThread({ store: h.store, llm, notifier: h.slack.notifier, audit: h.audit, clock: h.clock, logger: h.logger }, job);
    expect(result).toMatchObject({ answered: 'fallback', code: 'llm_unreachable' });
    const [reply] = h.fake.threadReplies(CHANNEL, incident.slack.ts);
    expect(reply?.text).toMatch(/^The LLM is unavailable right now \(llm_unreachable\), so I can't answer in detail\. What I know: Deployment\/checkout in demo: container app OOMKilled/);
  });
});

describe('health of the listeners', () => {
  it('logged no errors while handling everything above', () => {
    expect(h.logger.records.filter((r) => r.level === 'error').map((r) => `${r.msg}: ${String(r.fields.err ?? '')}`)).toEqual([]);
  });
});
