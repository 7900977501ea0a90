// Hostile input against the running bot: fuzzed `/sre` text and malformed interactive payloads,
// correctly signed (so they get past the signature check and reach the handlers), always get an
// HTTP answer and record nothing; Slack control sequences in logs, events and the LLM's answer
// arrive inert and within Block Kit's limits; a pod with odd-but-valid fields is scanned fine.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedMessage } from '../../src/core/render/block-kit.ts';
import { APPROVER, blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { deliver, validateMessage, type ApiCall } from '../support/fake-slack/index.ts';
import { foreignControlSequences } from '../support/mrkdwn-tokens.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { expectServing, headerText, incidentPosts, metric, oomNamespace } from './fault-support.ts';

const CONTROL = ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<#C0GENERAL>', '<https://evil.example/login|click here>', '<!subteam^S123>'];

const HOSTILE_LOG = [
  'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
  `java.lang.OutOfMemoryError: Java heap space ${CONTROL.join(' ')}`,
  'out of memory: *bold* _italic_ ~strike~ ```code fence``` `tick` &amp; &lt;!channel&gt;',
  `out of memory ${'<!channel> '.repeat(5_000)}`,
  `killed ${'A'.repeat(60_000)}`,
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
].join('\n');

const hostileReply = (evidence: string[]) => JSON.stringify({
  rootCauses: [`Heap exhausted <!channel> <@U123> ${'<!here> '.repeat(40)}`, ...Array.from({ length: 12 }, (_, i) => `cause ${i} <https://evil.example|click>`)],
  explanation: `${CONTROL.join(' ')} *APPROVED* ${'x'.repeat(4_000)}`,
  confidence: 0.9,
  evidence,
  recommendedMemoryLimit: '256Mi',
});

function rendered(call: ApiCall): RenderedMessage {
  return { text: String(call.args.text ?? ''), blocks: (call.args.blocks ?? []) as RenderedMessage['blocks'] };
}

/** What Slack would treat as a ping or a link: none may come from untrusted text. */
function expectInert(call: ApiCall): void {
  expect(foreignControlSequences(rendered(call))).toEqual([]);
  const raw = blocksText(call);
  for (const c of CONTROL) expect(raw).not.toContain(c);
  expect(validateMessage({ text: call.args.text, blocks: call.args.blocks })).toBeUndefined();
}

describeWithCluster('hostile input against the running bot', () => {
  const cluster = useTestCluster();
  const logger = recordingLogger();
  let h: Harness;
  let ns: string;

  beforeAll(async () => {
    await cluster.node();
    ns = await oomNamespace(cluster, 'hostile', HOSTILE_LOG);
    for (const message of [
      `Memory cgroup out of memory: Killed process 4242 (stress) ${CONTROL.join(' ')}`,
      `Back-off restarting failed container app <!channel> ${'<@U0SREALICE> '.repeat(200)}`,
    ]) {
      await cluster.postEvent({ namespace: ns, involved: { kind: 'Pod', name: 'memory-hog', namespace: ns }, reason: 'OOMKilling', message });
    }
    h = await startHarness(cluster, { mode: 'http', namespace: ns, logger });
    h.ollama.setBehavior({ kind: 'reply', content: hostileReply([`java.lang.OutOfMemoryError: Java heap space ${CONTROL.join(' ')}`, 'out of memory: *bold* _italic_ ~strike~ ```code fence``` `tick` &amp; &lt;!channel&gt;']) });
  });
  afterAll(async () => h?.stop());

  describe('Slack control sequences in logs, events and the LLM answer', () => {
    it('posts the incident with every one of them inert and within Block Kit limits', async () => {
      await eventually('the incident posted', () => incidentPosts(h, ns).length === 1, 30_000);
      const post = incidentPosts(h, ns)[0]!;
      expectInert(post);
      const raw = blocksText(post);
      // They were there, and are shown escaped: the test is not passing on an empty message.
      expect(raw).toContain('&lt;!channel&gt;');
      expect(raw).toContain('&lt;@U123&gt;');
      expect(raw).toContain('&lt;https://evil.example');
      const [incident] = await h.store.listOpen();
      expect(incident?.diagnosis.source).toBe('llm');
      expect(incident?.diagnosis.explanation).toContain('<!channel>');
      // The LLM's text goes through the same escaping, and the verdict is the rule's.
      expect(incident?.verdict.recommendedLimit).toBe('176Mi');
    });

    it('keeps the decision update and a thread answer inert too', async () => {
      await eventually('its Slack ref stored', async () => (await h.store.listOpen())[0]?.slack !== undefined);
      const [incident] = await h.store.listOpen();
      const ts = incident!.slack!.ts;
      await h.slack.deliver(h.eventsUrl, h.slack.payloads.blockAction({ actionId: 'incident_approve', value: incident!.id, user: APPROVER, message: { ts } }));
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && /approved/i.test(blocksText(c)));
      expectInert(update);

      h.ollama.enqueue({ kind: 'reply', content: `Sure ${CONTROL.join(' ')} *done*` });
      await h.slack.deliver(h.eventsUrl, h.slack.payloads.messageEvent({ text: 'why? <!channel> &lt;!here&gt;', thread_ts: ts }));
      const answer = await h.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, 20_000);
      for (const c of CONTROL) expect(String(answer.args.text)).not.toContain(c);
      expect(String(answer.args.text)).toContain('&lt;!channel&gt;');
      await eventually('the question audited', async () => (await h.auditEntries()).some((e) => e.action === 'thread_question'));
    });
  });

  describe('fuzzed and malformed requests, correctly signed', () => {
    // The incident these requests aim at is posted and audited before they start.
    beforeAll(async () => {
      await eventually('the incident posted and audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_posted'), 30_000);
      await eventually('its Slack ref stored', async () => (await h.store.listOpen())[0]?.slack !== undefined);
    });

    const alive = async (): Promise<void> => {
      await expectServing(h);
      // A well-formed command still works after the garbage.
      const res = await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: 'help' }));
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/scan/);
    };

    it('answers every fuzzed /sre text and records nothing but the scans it asked for', async () => {
      const before = await h.auditEntries();
      const posts = h.slack.callsTo('chat.postMessage').length;
      const sent: string[] = [];
      const text = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc.tuple(fc.constantFrom('history', 'audit', 'policy', 'incidents', 'stats', 'help', 'approve', 'scan'), fc.string({ maxLength: 120 })).map(([a, b]) => `${a} ${b}`),
        fc.string({ minLength: 5_000, maxLength: 12_000 }),
        fc.constantFrom('audit 99999999999999999999', 'audit -1', 'history ../../etc', 'policy *', 'scan <!channel>', 'scan a/b/c', `history ${'x/'.repeat(500)}`, '\u0000\u202e', 'scan\u00a0demo'),
      );
      await fc.assert(fc.asyncProperty(text, async (t) => {
        sent.push(t);
        const res = await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: t }));
        expect(res.status).toBe(200);
        for (const c of CONTROL) expect(res.text).not.toContain(c);
      }), { numRuns: 60 });
      await alive();
      const added = (await h.auditEntries()).slice(before.length);
      expect(added.filter((e) => e.action !== 'scan_requested')).toEqual([]);
      expect(added.length).toBeLessThanOrEqual(sent.filter((t) => /^\s*scan\b/i.test(t)).length);
      expect(h.slack.callsTo('chat.postMessage').length).toBe(posts);
      expect((await h.audit.verify()).ok).toBe(true);
    }, 60_000);

    it('answers every malformed interactive payload and records nothing', async () => {
      // A fresh, undecided incident: if any malformed click were taken for a real one, it would be
      // decided (or refused as already decided), and the checks below would see it.
      const [posted] = await h.store.listOpen();
      const seeded = incidentReport({ id: 'inc-hostile-clicks', fingerprint: 'hostile/Deployment/clicks/app/oom', slack: { channel: 'C0INCIDENTS', ts: '1700000000.000100' } });
      const incident = (await h.store.claim(seeded.fingerprint, { ...seeded, verdict: { ...seeded.verdict, approvers: [APPROVER.id] } })).report;
      expect(posted).toBeDefined();
      const decided = await h.store.get(incident.id);
      expect(decided?.status).toBe('open');
      const before = await h.auditEntries();
      const recorded = await metric(h, 'decisions_total', { outcome: 'recorded' });
      // No user in the base payload: a fuzzed payload can only name a random user, never the approver.
      const valid = { ...h.slack.payloads.blockAction({ actionId: 'incident_reject', value: incident.id, user: APPROVER, message: { ts: incident.slack!.ts } }).body, user: undefined };
      const withAction = (action: unknown) => ({ ...valid, actions: [action] });
      const form = (payload: string) => ({ contentType: 'application/x-www-form-urlencoded', rawBody: new URLSearchParams({ payload }).toString() });
      const cases: Array<[string, { contentType: string; rawBody: string }]> = [
        ['garbage JSON', form('{"type": "block_actions", "actions": [')],
        ['no payload field', { contentType: 'application/x-www-form-urlencoded', rawBody: 'foo=bar' }],
        ['payload is a number', form('42')],
        ['payload is null', form('null')],
        ['payload is a string', form('"block_actions"')],
        ['empty body', { contentType: 'application/x-www-form-urlencoded', rawBody: '' }],
        ['JSON body instead of a form', { contentType: 'application/json', rawBody: '{"type":"block_actions"' }],
        ['missing actions', form(JSON.stringify({ ...valid, actions: undefined }))],
        ['actions is a string', form(JSON.stringify({ ...valid, actions: 'incident_approve' }))],
        ['an empty action', form(JSON.stringify(withAction({})))],
        ['unknown action id', form(JSON.stringify(withAction({ type: 'button', action_id: 'delete_namespace', value: incident.id })))],
        ['approve without a value', form(JSON.stringify(withAction({ type: 'button', action_id: 'incident_approve' })))],
        ['approve with a numeric value', form(JSON.stringify(withAction({ type: 'button', action_id: 'incident_approve', value: 12345 })))],
        ['approve with an object value', form(JSON.stringify(withAction({ type: 'button', action_id: 'incident_approve', value: { id: incident.id } })))],
        ['approve with a huge value', form(JSON.stringify(withAction({ type: 'button', action_id: 'incident_approve', value: `${incident.id}${'x'.repeat(200_000)}` })))],
        ['reject without message or channel', form(JSON.stringify({ ...withAction({ type: 'button', action_id: 'incident_reject', value: incident.id }), message: undefined, channel: undefined, container: undefined }))],
        ['no user', form(JSON.stringify({ ...withAction({ type: 'button', action_id: 'incident_approve', value: incident.id }), user: undefined }))],
        ['a numeric user id', form(JSON.stringify({ ...withAction({ type: 'button', action_id: 'incident_approve', value: incident.id }), user: { id: 42 } }))],
        ['unknown payload type', form(JSON.stringify({ ...valid, type: 'dialog_submission' }))],
        ['reject modal with garbage metadata', form(JSON.stringify({ ...h.slack.payloads.viewSubmission({ callbackId: 'incident_reject_reason', values: {}, privateMetadata: '{"incidentId": [1,2' }).body }))],
        ['reject modal without a view', form(JSON.stringify({ ...h.slack.payloads.viewSubmission({ callbackId: 'incident_reject_reason', values: {} }).body, view: undefined }))],
      ];
      const signed = (body: { contentType: string; rawBody: string }) => deliver(h.eventsUrl, body, { signingSecret: h.slack.identity.signingSecret });
      // Each gets an answer (Bolt answers 500 for shapes it cannot route, and waits 3 s before
      // answering what no listener acks; the bot carries on). Sent at once to keep that wait short.
      const anyValue = fc.oneof(fc.anything(), fc.string({ maxLength: 300 }), fc.constant(incident.id));
      const junk = fc.sample(fc.record({
        type: fc.oneof(fc.constant('block_actions'), anyValue),
        actions: fc.oneof(fc.array(fc.record({ type: anyValue, action_id: fc.oneof(fc.constantFrom('incident_approve', 'incident_reject'), anyValue), value: anyValue }), { maxLength: 3 }), anyValue),
        user: fc.oneof(fc.record({ id: anyValue }), anyValue),
        channel: anyValue, message: anyValue, container: anyValue, trigger_id: anyValue,
      }, { requiredKeys: [] }), { numRuns: 60, seed: 4242 });
      const all: Array<[string, { contentType: string; rawBody: string }]> = [
        ...cases,
        ...junk.map((j, i): [string, { contentType: string; rawBody: string }] => [`fuzzed #${i} ${JSON.stringify(j).slice(0, 200)}`, form(JSON.stringify({ ...valid, ...j }))]),
      ];
      const statuses = Object.fromEntries(await Promise.all(all.map(async ([name, body]) => [name, (await signed(body)).status] as const)));
      expect(statuses['payload is null']).toBe(400);
      expect(statuses['garbage JSON']).toBe(400);
      for (const [name, status] of Object.entries(statuses)) expect([200, 400, 401, 404, 500], name).toContain(status);

      await alive();
      // Nothing was decided, and no malformed click got as far as "already decided".
      expect(await h.store.get(incident.id)).toEqual(decided);
      const added = (await h.auditEntries()).slice(before.length);
      expect(added.filter((e) => e.action === 'decision')).toEqual([]);
      expect(added.every((e) => e.action === 'decision_refused' && e.incidentId !== undefined)).toBe(true);
      expect(added.filter((e) => /already/.test(e.outcome))).toEqual([]);
      expect((await h.audit.verify()).ok).toBe(true);
      expect(await metric(h, 'decisions_total', { outcome: 'recorded' })).toBe(recorded);
    }, 60_000);
  });

  describe('a pod with odd but valid fields', () => {
    it('is scanned, detected and posted within Block Kit limits', async () => {
      const oddNs = await cluster.createNamespace('odd');
      const { name: nodeName } = await cluster.node();
      const podName = `${'p'.repeat(60)}-${'a1b2c3'.repeat(30)}`.slice(0, 253).replace(/-$/, 'x');
      await cluster.core.createNamespacedPod({
        namespace: oddNs,
        body: {
          metadata: {
            name: podName,
            labels: { [`${'k'.repeat(50)}.example.com/${'l'.repeat(63)}`]: 'v'.repeat(63), app: '' },
            annotations: { 'note.example.com/description': 'Ünïcödé 😀 <!channel> 注释 описание', 'x.example.com/huge': 'z'.repeat(100_000) },
          },
          spec: {
            nodeName,
            // No resources at all: no limit, no request.
            containers: [{ name: `c-${'x'.repeat(61)}`, image: 'registry.example/app@sha256:' + 'f'.repeat(64) }],
          },
        },
      });
      await cluster.setContainerScenario(oddNs, podName, `c-${'x'.repeat(61)}`, { kind: 'oom-killed', restartCount: 1 });
      await h.queues.enqueueScan({ namespace: oddNs, trigger: 'schedule' });
      // The header is cut to Slack's limit before the namespace: find the message by its ts.
      const oddIncident = async () => (await h.store.listOpen()).find((r) => r.detection.namespace === oddNs);
      await eventually('the odd incident posted', async () => (await oddIncident())?.slack !== undefined, 30_000);
      const posted = await oddIncident();
      const post = h.slack.callsTo('chat.postMessage').find((c) => c.response.ts === posted!.slack!.ts)!;
      expect(post.status).toBe(200);
      expectInert(post);
      const incident = await oddIncident();
      expect(headerText(post)).toMatch(/^🔴 OOMKilled: Pod\/p{60}-a1b2.*…$/u);
      expect(incident?.detection).toMatchObject({ pod: podName, kind: 'OOMKilled' });
      expect(incident?.detection.memoryLimit).toBeUndefined();
      expect(blocksText(post)).toContain('…');
    });
  });
});
