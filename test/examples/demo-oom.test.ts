// examples/demo-oom.json is what the real API server gives for the demo namespace after
// memory-hog's OOM kills (see demo-dump.ts), byte for byte. After a change to manifests/demo or
// the test API server's version, regenerate it with UPDATE_EXAMPLES=1 and review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { buildDemoDump, dumpText } from './demo-dump.ts';

const FILE = fileURLToPath(new URL('../../examples/demo-oom.json', import.meta.url));

describeWithCluster('examples/demo-oom.json', () => {
  const cluster = useTestCluster();

  it('is the API server\'s own answer for the demo namespace after memory-hog\'s OOMs', async () => {
    const text = dumpText(await buildDemoDump(cluster));
    if (process.env.UPDATE_EXAMPLES === '1') writeFileSync(FILE, text);
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(JSON.parse(text));
    expect(readFileSync(FILE, 'utf8')).toBe(text);
  });
});
