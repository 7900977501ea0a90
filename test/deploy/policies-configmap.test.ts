import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPolicies } from '../../src/config/policy-files.ts';
import {
  POLICIES_DIR,
  readPolicyFiles,
  renderPoliciesConfigMap,
} from '../../scripts/render-policies-configmap.ts';
import { readRepoFile } from './repo-files.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Lays files out the way the kubelet mounts a ConfigMap: visible names are symlinks into ..data. */
async function configMapVolume(data: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'policies-volume-'));
  dirs.push(root);
  const version = '..2025_01_01_00_00_00.000000001';
  await mkdir(join(root, version));
  for (const [name, text] of Object.entries(data)) await writeFile(join(root, version, name), text);
  await symlink(version, join(root, '..data'));
  for (const name of Object.keys(data)) await symlink(join('..data', name), join(root, name));
  return root;
}

describe('manifests/agent/policies-configmap.yaml', () => {
  it('matches policies/ (re-run `npm run policies:render` after editing a policy)', async () => {
    const files = await readPolicyFiles(POLICIES_DIR);
    expect(files.length).toBeGreaterThan(0);
    expect(readRepoFile('manifests/agent/policies-configmap.yaml')).toBe(renderPoliciesConfigMap(files));
  });

  it('carries each policy file byte for byte', async () => {
    const files = await readPolicyFiles(POLICIES_DIR);
    const cm = parse(renderPoliciesConfigMap(files)) as { data: Record<string, string> };
    expect(cm.data).toEqual(Object.fromEntries(files.map((f) => [f.name, f.text])));
  });

  it('renders text that needs quoting or keeps trailing spaces without changing it', () => {
    const text = '# odd: "quotes", tabs\tand trailing space \nkey: value\n\n';
    const cm = parse(renderPoliciesConfigMap([{ name: 'odd.yaml', text }])) as { data: Record<string, string> };
    expect(cm.data['odd.yaml']).toBe(text);
  });

  it('loads as the agent would load it once mounted at POLICY_DIR', async () => {
    const files = await readPolicyFiles(POLICIES_DIR);
    const cm = parse(readRepoFile('manifests/agent/policies-configmap.yaml')) as { data: Record<string, string> };
    const mounted = await configMapVolume(cm.data);
    const fromMount = await loadPolicies(mounted);
    expect(fromMount).toEqual(await loadPolicies(POLICIES_DIR));
    expect(fromMount.length).toBeGreaterThanOrEqual(files.length);
  });
});
