// The audit trail as an auditor meets it: an approval and a rejection in Slack, then
// `kube-ai-sre audit export --format csv --incident X` says who decided what about which workload
// in which namespace and cluster; `/sre audit` shows the same. Then the witness outside Redis: an
// approver posts a checkpoint with `/sre audit checkpoint`, someone with write access to Redis
// rewrites the whole chain consistently, `audit verify` still passes (the chain alone cannot tell)
// and `audit verify --against-slack` fails with exit 9.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { APPROVER, blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { rewriteChain } from '../support/audit-trail.ts';
import { eventually } from '../support/eventually.ts';
import { runCli } from '../support/run-cli.ts';
import { AUDIT_CSV_COLUMNS } from '../../src/core/audit/csv.ts';
import { parseCheckpointText } from '../../src/core/audit/checkpoint.ts';
import { REJECT_MODAL_CALLBACK_ID } from '../../src/adapters/slack/reject-modal.ts';

const AUDIT_CHANNEL = 'C0AUDITLOG';

/** The CSV as rows of column → value (the cells here hold no commas or quotes). */
function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...rows] = text.trim().split('\n');
  expect(header!.split(',')).toEqual([...AUDIT_CSV_COLUMNS]);
  return rows.map((r) => Object.fromEntries(r.split(',').slice(0, AUDIT_CSV_COLUMNS.length).map((v, i) => [AUDIT_CSV_COLUMNS[i]!, v])));
}

describeWithCluster('the audit trail end to end', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let ns: string;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    ns = await cluster.createNamespace('audit');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 2 });
    h = await startHarness(cluster, { mode: 'http', namespace: ns, env: { CLUSTER_NAME: 'prod-eu', AUDIT_CHANNEL_ID: AUDIT_CHANNEL } });
    h.slack.addChannel({ id: AUDIT_CHANNEL, name: 'sre-audit', member: true });
    cliEnv = {
      REDIS_URL: h.config.REDIS_URL, KEY_PREFIX: h.prefix,
      SLACK_BOT_TOKEN: h.slack.identity.botToken, SLACK_CHANNEL_ID: 'C0INCIDENTS', AUDIT_CHANNEL_ID: AUDIT_CHANNEL, SLACK_API_URL: h.slack.apiUrl,
    };
  });
  afterAll(async () => h?.stop());

  const deliver = async (payload: Parameters<Harness['slack']['deliver']>[1]) => {
    const res = await h.slack.deliver(h.eventsUrl, payload);
    expect(res.status).toBe(200);
    return res;
  };
  const command = async (text: string) => {
    const payload = h.slack.payloads.slashCommand({ text });
    await deliver(payload);
    return String((await h.slack.waitForResponse((r) => r.url === payload.body.response_url, 20_000)).body.text);
  };

  it('exports who decided what about which workload, and catches a consistent rewrite against the Slack checkpoint', { timeout: 120_000 }, async () => {
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('both incidents posted', async () => (await h.store.listOpen()).filter((r) => r.slack && r.detection.namespace === ns).length === 2, 30_000);
    const open = await h.store.listOpen();
    const hog = open.find((r) => r.detection.pod === 'memory-hog')!;
    const slow = open.find((r) => r.detection.pod === 'slow-memory-hog')!;

    // Approve one; reject the other through the reason modal.
    await deliver(h.slack.payloads.blockAction({ actionId: 'incident_approve', value: hog.id, user: APPROVER, message: { ts: hog.slack!.ts } }));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === hog.slack!.ts && /approved/i.test(blocksText(c)));
    const click = h.slack.payloads.blockAction({ actionId: 'incident_reject', value: slow.id, user: APPROVER, message: { ts: slow.slack!.ts } });
    await deliver(click);
    const modal = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === click.body.trigger_id);
    await deliver(h.slack.payloads.viewSubmission({
      callbackId: REJECT_MODAL_CALLBACK_ID, privateMetadata: (modal.args.view as { private_metadata: string }).private_metadata, user: APPROVER,
      values: { reject_reason: { reason: { type: 'plain_text_input', value: 'the leak is fixed in the next release' } } },
    }));
    await eventually('the rejection recorded', async () => (await h.store.get(slow.id))?.status === 'rejected');
    await eventually('both decisions audited', async () => (await h.auditEntries()).filter((e) => e.action === 'decision').length === 2);

    // The auditor's export: one incident, as CSV.
    const exported = await runCli(['audit', 'export', '--format', 'csv', '--incident', slow.id], cliEnv);
    expect(exported.code).toBe(0);
    const rows = csvRows(exported.stdout);
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([['incident_posted', 'posted'], ['decision', 'rejected']]);
    const decision = rows[1]!;
    expect(decision).toMatchObject({
      actor: APPROVER.id, actor_name: 'Alice M.', cluster: 'prod-eu', namespace: ns, workload_kind: 'Pod', workload: 'slow-memory-hog',
      pod: 'slow-memory-hog', container: 'app', kind: slow.detection.kind, family: 'memory', fingerprint: slow.fingerprint, incident_id: slow.id,
    });
    expect(exported.stdout).toContain('the leak is fixed in the next release');
    // Approval and rejection name the approver the same way.
    const approvals = csvRows((await runCli(['audit', 'export', '--format', 'csv', '--action', 'decision', '--actor', 'alice m.'], cliEnv)).stdout);
    expect(approvals.map((r) => [r.workload, r.outcome, r.actor_name])).toEqual([['memory-hog', 'approved', 'Alice M.'], ['slow-memory-hog', 'rejected', 'Alice M.']]);

    // /sre audit shows the subject too.
    const latest = await command('audit 5');
    expect(latest).toMatch(/^Chain check: intact/);
    expect(latest).toContain(`decision by <@${APPROVER.id}> (Alice M.) — Pod/slow-memory-hog in ${ns} (container app) on prod-eu · ${slow.detection.kind} (memory)`);

    // A checkpoint by an approver, posted to the audit channel.
    const reply = await command('audit checkpoint');
    expect(reply).toMatch(new RegExp(`^Audit checkpoint posted in <#${AUDIT_CHANNEL}>: seq \\d+`));
    const posted = h.slack.messages(AUDIT_CHANNEL).map((m) => parseCheckpointText(m.text ?? '')).filter(Boolean);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject(await h.audit.head());
    expect((await runCli(['audit', 'verify', '--against-slack'], cliEnv)).code).toBe(0);

    // Someone with write access to Redis turns the rejection into an approval, consistently.
    await rewriteChain(h.redis, h.prefix, (e) => (e.action === 'decision' && e.outcome === 'rejected' ? { ...e, outcome: 'approved', details: { requested: 'approve' } } : e));
    const plain = await runCli(['audit', 'verify'], cliEnv);
    expect(plain.code).toBe(0);
    const witnessed = await runCli(['audit', 'verify', '--against-slack'], cliEnv);
    expect(witnessed.code).toBe(9);
    expect(witnessed.stderr).toMatch(/REWRITTEN[\s\S]*the chain was rewritten/);
  });
});
