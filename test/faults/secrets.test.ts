// Secrets in what the bot reads never leave it: AWS keys, a JWT, a bearer token, a password in a
// URL, a PEM private key and env-style assignments, planted in a crashed container's previous log
// and in event messages, and a secret typed into a thread question. None of them reaches the LLM,
// Slack, the logs or the audit trail; the thread answer is redacted on its way back too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { incidentPosts, oomNamespace } from './fault-support.ts';

const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
const SECRETS = {
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbyJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  bearer: 'c2VjcmV0LWJlYXJlci10b2tlbi0xMjM0NTY3ODkw',
  urlPassword: 'Sup3rS3cretPw',
  pem: PEM_BODY,
  envPassword: 'hunter2-Zq9xW',
  envApiKey: 'ak_7Hs9dK2mQ4pL8vX1',
  threadPassword: 'Thr34dP4ssw0rd',
};

const CRASH_LOG = [
  'starting worker pool',
  `loaded credentials aws_access_key_id=${SECRETS.awsKeyId} aws_secret_access_key=${SECRETS.awsSecret}`,
  `calling upstream with Authorization: Bearer ${SECRETS.bearer}`,
  `service account token ${SECRETS.jwt}`,
  `DB_PASSWORD=${SECRETS.envPassword} API_KEY=${SECRETS.envApiKey} LOG_LEVEL=debug`,
  `connecting to postgres://app:${SECRETS.urlPassword}@db:5432/shop`,
  '-----BEGIN RSA PRIVATE KEY-----',
  PEM_BODY,
  'hR3x9dWq0mTqJvYQp7o1Yb2m8eUuK3Y6cJ6wYbqgJb4kU8yQwq2F3nE=',
  '-----END RSA PRIVATE KEY-----',
  'java.lang.OutOfMemoryError: Java heap space',
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
].join('\n');

const EVENT_MESSAGES = [
  `Memory cgroup out of memory: Killed process 4242 (java) env AWS_ACCESS_KEY_ID=${SECRETS.awsKeyId}`,
  `Failed to pull image "registry.example/app": Authorization: Bearer ${SECRETS.bearer} token=${SECRETS.jwt}`,
  `Back-off restarting failed container app (DATABASE_URL=mysql://root:${SECRETS.urlPassword}@mysql:3306/app password=${SECRETS.envPassword})`,
];

function leaks(haystack: string): string[] {
  return Object.entries(SECRETS).filter(([, v]) => haystack.includes(v)).map(([k]) => k);
}

describeWithCluster('secrets never leave the bot', () => {
  const cluster = useTestCluster();
  const logger = recordingLogger();
  let h: Harness;
  let ns: string;

  beforeAll(async () => {
    await cluster.node();
    ns = await oomNamespace(cluster, 'secrets', CRASH_LOG);
    for (const message of EVENT_MESSAGES) {
      await cluster.postEvent({ namespace: ns, involved: { kind: 'Pod', name: 'memory-hog', namespace: ns }, reason: 'OOMKilling', message });
    }
    h = await startHarness(cluster, { mode: 'http', namespace: ns, logger });
  });
  afterAll(async () => h?.stop());

  it('keeps every planted secret out of the LLM requests, Slack, the logs and the audit trail', async () => {
    await eventually('the incident posted', () => incidentPosts(h, ns).length === 1, 30_000);
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_posted'));
    // Its Slack ref is stored before the post is audited.
    const [incident] = await h.store.listOpen();
    // The log and events did reach the model, redacted: the test is not passing on an empty prompt.
    const diagnosisPrompt = JSON.stringify(h.ollama.chatRequests()[0]);
    expect(diagnosisPrompt).toContain('OutOfMemoryError');
    expect(diagnosisPrompt).toContain('[REDACTED:');
    expect(diagnosisPrompt).toContain('Failed to pull image');

    // A question in the thread that carries a secret; the model's answer echoes secrets back.
    h.ollama.setBehavior({ kind: 'reply', content: `Rotate ${SECRETS.awsKeyId} and set password=${SECRETS.threadPassword}; see postgres://app:${SECRETS.urlPassword}@db/shop` });
    const ts = incident!.slack!.ts;
    await h.slack.deliver(h.eventsUrl, h.slack.payloads.messageEvent({ text: `did it die because db password=${SECRETS.threadPassword} is wrong?`, thread_ts: ts }));
    const answer = await h.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, 20_000);
    expect(String(answer.args.text)).toContain('[REDACTED:');
    await eventually('the question audited', async () => (await h.auditEntries()).some((e) => e.action === 'thread_question'));
    const threadPrompt = JSON.stringify(h.ollama.chatRequests().at(-1));
    expect(threadPrompt).toContain('did it die because db password=');

    const exported: unknown[] = [];
    for await (const e of h.audit.export()) exported.push(e);
    expect(exported.length).toBeGreaterThanOrEqual(2);

    const places = {
      llm: JSON.stringify(h.ollama.requests),
      slack: JSON.stringify(h.slack.calls.map((c) => c.args)),
      logs: JSON.stringify(logger.entries),
      audit: JSON.stringify(exported),
      store: JSON.stringify(await h.store.get(incident!.id)) + JSON.stringify(await h.store.turns(incident!.id)),
    };
    for (const [place, text] of Object.entries(places)) expect(leaks(text), place).toEqual([]);
  });
});
