import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { isAppError } from '../../src/core/errors.ts';
import { evaluatePolicy } from '../../src/core/policy/evaluate.ts';

const VALID = `apiVersion: kube-ai-sre/v1
kind: MemoryPolicy
metadata: { name: default }
spec:
  namespaces: ["*"]
  protectedNamespaces: [kube-system]
  maxMemoryLimit: 4Gi
  approvers: [U0123ABCD]
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policies-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(entries: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(entries)) await writeFile(join(dir, name), text);
}

async function loadError(): Promise<string> {
  try {
    await loadPolicies(dir);
  } catch (err) {
    expect(isAppError(err, 'policy_invalid')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected loadPolicies to fail');
}

describe('loadPolicies', () => {
  it('loads the shipped policies and the production example', async () => {
    const shipped = await loadPolicies('policies');
    expect(shipped.map((p) => p.metadata.name)).toEqual(['default']);
    expect(shipped[0]?.spec).toMatchObject({ namespaces: ['*'], maxMemoryLimit: '4Gi', autoRemediation: false });
    const examples = await loadPolicies('policies/examples');
    expect(examples.map((p) => p.metadata.name)).toEqual(['production']);
  });

  it('reads .yaml and .yml files, several documents per file, applying defaults', async () => {
    await files({
      'a.yaml': VALID,
      'b.yml': `${VALID.replace('name: default', 'name: prod').replace('["*"]', '[prod]')}---\n${VALID.replace('name: default', 'name: staging').replace('["*"]', '["staging-*"]')}`,
      'notes.txt': 'not a policy',
    });
    const set = await loadPolicies(dir);
    expect(set.map((p) => p.metadata.name)).toEqual(['default', 'prod', 'staging']);
    expect(set[0]?.spec).toMatchObject({ maxIncreaseFactor: 4, minConfidence: 0, autoRemediation: false });
  });

  it('does not read subdirectories', async () => {
    await files({ 'a.yaml': VALID });
    await mkdir(join(dir, 'examples'));
    await writeFile(join(dir, 'examples', 'broken.yaml'), 'spec: [');
    expect(await loadPolicies(dir)).toHaveLength(1);
  });

  it('follows the symlinks of a mounted ConfigMap volume and skips its hidden entries', async () => {
    const version = '..2025_03_04_09_00_00.000000001';
    await mkdir(join(dir, version));
    await writeFile(join(dir, version, 'default.yaml'), VALID);
    await symlink(version, join(dir, '..data'));
    await symlink(join('..data', 'default.yaml'), join(dir, 'default.yaml'));
    await symlink('missing.yaml', join(dir, 'dangling.yaml'));
    expect((await loadPolicies(dir)).map((p) => p.metadata.name)).toEqual(['default']);
  });

  it('reports every problem across all files at once, with file, line and field path', async () => {
    await files({
      'default.yaml': VALID,
      'prod.yaml': `apiVersion: kube-ai-sre/v1
kind: MemoryPolicy
metadata: { name: prod }
spec:
  namespaces: [prod]
  maxMemoryLimit: 4 gigs
  maxIncreaseFactor: 0.5
  approvers: [U0123ABCD, alice]
  autoRemediation: true
  maxMemoryLimt: 8Gi
`,
      'staging.yaml': `apiVersion: kube-ai-sre/v2
kind: MemoryPolicy
metadata: { name: staging }
spec:
  namespaces: []
`,
    });
    const message = await loadError();
    const lines = message.split('\n').map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^.*prod\.yaml:6: spec\.maxMemoryLimit: not a memory quantity \("4 gigs"\)$/),
        expect.stringMatching(/prod\.yaml:7: spec\.maxIncreaseFactor: /),
        expect.stringMatching(/prod\.yaml:8: spec\.approvers\[1\]: not a Slack user ID like U0123ABCD \("alice"\)$/),
        expect.stringMatching(/prod\.yaml:9: spec\.autoRemediation: must be false/),
        expect.stringMatching(/prod\.yaml:\d+: spec: .*maxMemoryLimt/),
        expect.stringMatching(/staging\.yaml:1: apiVersion: must be "kube-ai-sre\/v1"/),
        expect.stringMatching(/staging\.yaml:5: spec\.namespaces: /),
        expect.stringMatching(/staging\.yaml:\d+: spec\.maxMemoryLimit: /),
      ]),
    );
    expect(message).not.toMatch(/default\.yaml/);
  });

  it('names file and line for YAML syntax errors', async () => {
    await files({ 'broken.yaml': `${VALID}  namespaces: [prod\n` });
    expect(await loadError()).toMatch(/broken\.yaml:\d+: YAML syntax error: /);
    await files({ 'broken.yaml': 'apiVersion: kube-ai-sre/v1\nkind: MemoryPolicy\nkind: MemoryPolicy\n' });
    expect(await loadError()).toMatch(/broken\.yaml:3: YAML syntax error: Map keys must be unique/);
  });

  it('rejects duplicate policy names and a namespace claimed by two policies', async () => {
    await files({ 'a.yaml': VALID, 'b.yaml': VALID.replace('["*"]', '["*", prod]') });
    const message = await loadError();
    expect(message).toMatch(/b\.yaml:1: metadata\.name: policy "default" is already defined at .*a\.yaml:1/);
    const other = VALID.replace('name: default', 'name: other');
    await files({ 'b.yaml': other });
    expect(await loadError()).toMatch(/b\.yaml:1: spec\.namespaces: "\*" is also listed by policy "default"/);
  });

  it('fails on a missing directory and on a directory without policies', async () => {
    await expect(loadPolicies(join(dir, 'nope'))).rejects.toMatchObject({ code: 'policy_invalid' });
    expect(await loadError()).toMatch(/no policy files/);
  });

  it('names an empty policy file instead of saying there are none', async () => {
    await files({ 'empty.yaml': '# policies go here\n' });
    expect(await loadError()).toMatch(/empty\.yaml: no policy in this file \(empty or comments only\)/);
  });

  it('rejects a non-mapping document', async () => {
    await files({ 'list.yaml': '- a\n- b\n' });
    expect(await loadError()).toMatch(/list\.yaml:1: \(document\): /);
  });

  it('produces policies the gate can use', async () => {
    await files({ 'a.yaml': VALID });
    const set = await loadPolicies(dir);
    const v = evaluatePolicy(set, {
      detection: {
        kind: 'OOMKilled', namespace: 'kube-system', pod: 'coredns-abc', container: 'coredns', containerType: 'app',
        reason: 'OOMKilled', restartCount: 1, memoryLimit: '170Mi', facts: [],
      },
      recommendation: { limit: '288Mi', limitBytes: 288 * 1024 ** 2, rule: 'vpa-oom-bump', basis: 'x' },
      diagnosis: { source: 'rule-based', promptVersion: 'rules-v1', rootCauses: ['x'], explanation: 'x', confidence: 0.5, evidence: [] },
    });
    expect(v.allowed).toBe(false);
  });
});
