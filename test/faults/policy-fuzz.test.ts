// Broken policy files: whatever a file holds, loading either succeeds or fails with one
// `policy_invalid` error whose every problem names the file (and the line and field when known);
// the agent refuses to start on them with that same error, before touching anything else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/app/create-agent.ts';
import { loadConfig } from '../../src/config/env.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { AppError } from '../../src/core/errors.ts';
import { recordingLogger } from '../support/recording-logger.ts';

const VALID = [
  'apiVersion: kube-ai-sre/v1',
  'kind: MemoryPolicy',
  'metadata: { name: default }',
  'spec:',
  '  namespaces: ["*"]',
  '  protectedNamespaces: [kube-system]',
  '  maxMemoryLimit: 4Gi',
  '  maxIncreaseFactor: 2',
  '  minConfidence: 0.6',
  '  approvers: [U0123ABCD]',
  '  autoRemediation: false',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('true', '-1', '1Ti', '0', '1e309', 'null', '~', '[]', '{}', '"', "'", '*anchor', '&a [1', '!!binary x', '<!channel>', '99999999999999999999Gi', 'NaN', '\t', '- - -', ': :'),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A policy file with one to three mutations: a value replaced, a line dropped, cut, or garbage added. */
const brokenFile = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('value' as const), line: fc.nat(VALID.length - 1), value: scalar }),
    fc.record({ op: fc.constant('drop' as const), line: fc.nat(VALID.length - 1) }),
    fc.record({ op: fc.constant('insert' as const), line: fc.nat(VALID.length), text: fc.string({ maxLength: 60 }) }),
    fc.record({ op: fc.constant('cut' as const), at: fc.nat(400) }),
  ),
  { minLength: 1, maxLength: 3 },
).map((ops) => {
  let lines = [...VALID];
  for (const o of ops) {
    if (o.op === 'value') {
      if (o.line < lines.length) lines[o.line] = lines[o.line]!.replace(/:.*$/, `: ${o.value}`);
    }
    else if (o.op === 'drop') lines.splice(o.line, 1);
    else if (o.op === 'insert') lines.splice(o.line, 0, o.text);
    else lines = lines.join('\n').slice(0, o.at).split('\n');
  }
  return lines.join('\n');
});

function expectNamedProblems(err: unknown, file: string): void {
  const dir = file.slice(0, file.lastIndexOf('/'));
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe('policy_invalid');
  const problems = (e.details?.problems ?? []) as string[];
  expect(problems.length).toBeGreaterThan(0);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const p of problems) {
    // "<file>:<line>: <field.path>: what is wrong" (syntax errors: "<file>:<line>: YAML syntax error: ...");
    // a file with no document at all leaves the folder without a policy, which names the folder.
    expect(p).toMatch(new RegExp(`^(${esc(file)}(:\\d+)?|${esc(dir)}): \\S`));
    expect(e.message).toContain(p);
  }
}

describe('broken policy files', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sre-policy-fuzz-'));
    file = join(dir, 'default.yaml');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('either load or fail with policy_invalid naming the file, line and field', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(brokenFile, fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 })), async (text) => {
      await writeFile(file, text);
      try {
        const set = await loadPolicies(dir);
        expect(set.length).toBeGreaterThan(0);
        for (const p of set) expect(p.spec.autoRemediation).toBe(false);
      } catch (err) {
        expectNamedProblems(err, file);
      }
    }), { numRuns: 300 });
  });

  it.each([
    ['an auto-remediation switched on', VALID.join('\n').replace('autoRemediation: false', 'autoRemediation: true'), /spec\.autoRemediation/],
    ['an absurd max limit', VALID.join('\n').replace('maxMemoryLimit: 4Gi', 'maxMemoryLimit: lots'), /spec\.maxMemoryLimit/],
    ['a missing spec', VALID.slice(0, 3).join('\n'), /spec/],
    ['an alias to an unknown anchor', `${VALID.slice(0, 3).join('\n')}\nspec: *missing`, /YAML error: Unresolved alias/],
    ['a YAML syntax error', `${VALID.join('\n')}\n  approvers: [U1, "`, /YAML syntax error|approvers/],
  ])('names the field of %s', async (_name, text, field) => {
    await writeFile(file, text);
    const err = await loadPolicies(dir).catch((e: unknown) => e);
    expectNamedProblems(err, file);
    expect((err as AppError).message).toMatch(field);
  });

  it('stops the agent from starting, with the same error, before it connects to anything', async () => {
    await writeFile(file, VALID.join('\n').replace('maxIncreaseFactor: 2', 'maxIncreaseFactor: -3'));
    // An unreachable Redis: the policy error must come first.
    const config = loadConfig({ POLICY_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1', HEALTH_PORT: '0', PORT: '0', LOG_LEVEL: 'silent', SCAN_NAMESPACES: 'demo' });
    const err = await startAgent(config, { logger: recordingLogger() }).catch((e: unknown) => e);
    expectNamedProblems(err, file);
    expect((err as AppError).message).toMatch(/spec\.maxIncreaseFactor/);
  });
});
