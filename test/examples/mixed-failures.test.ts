// examples/mixed-failures.json is what the real API server gives for a namespace failing in every
// way the agent tells apart (see mixed-dump.ts), byte for byte; the scan names each failure in its
// family and leaves the healthy pod alone. Regenerate with UPDATE_EXAMPLES=1 and review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { runCli } from '../support/run-cli.ts';
import { dumpText } from './demo-dump.ts';
import { buildMixedDump } from './mixed-dump.ts';

const FILE = fileURLToPath(new URL('../../examples/mixed-failures.json', import.meta.url));

describeWithCluster('examples/mixed-failures.json', () => {
  const cluster = useTestCluster();

  it('is the API server\'s own answer for the shop namespace', async () => {
    const text = dumpText(await buildMixedDump(cluster));
    if (process.env.UPDATE_EXAMPLES === '1') writeFileSync(FILE, text);
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(JSON.parse(text));
    expect(readFileSync(FILE, 'utf8')).toBe(text);
  });
});

describe('scan --from-file examples/mixed-failures.json', () => {
  it('reports each failure in its family, a recommendation only for the memory one, and nothing for the healthy pod', async () => {
    const res = await runCli(['scan', '--from-file', FILE, '--json', '--no-llm'], {});
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { podsChecked: number; incidents: Array<{ pod: string; kind: string; family: string; workload: { kind: string; name: string }; recommendation: { rule: string; limit: string } }> };
    expect(out.podsChecked).toBe(7);
    expect(out.incidents.map((i) => [i.pod, i.kind, i.family, `${i.workload.kind}/${i.workload.name}`]).sort()).toEqual([
      ['api-5c7b9d8f4-w8x2p', 'CrashLoop', 'crash', 'Deployment/api'],
      ['checkout-6d9f7c5b8-k2m4q', 'OOMCrashLoop', 'memory', 'Deployment/checkout'],
      ['frontend-7f9c8d6b5-h3j9z', 'ImagePullFailure', 'image', 'Deployment/frontend'],
      ['search-0', 'Unschedulable', 'scheduling', 'StatefulSet/search'],
      ['web-58f6d4c9b7-q7rtn', 'ProbeKill', 'crash', 'Deployment/web'],
      ['worker-6b8d7f9c4-t5v2n', 'ConfigError', 'config', 'Deployment/worker'],
    ]);
    expect(out.incidents.filter((i) => i.recommendation.rule !== 'none').map((i) => [i.pod, i.recommendation.limit])).toEqual([['checkout-6d9f7c5b8-k2m4q', '368Mi']]);
  });
});
