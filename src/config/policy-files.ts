// Reads policies/*.yaml|*.yml (not subdirectories) into a PolicySet. Every problem in every file
// is collected and reported at once in one AppError('policy_invalid'), each line naming the file,
// the line when known, and the field path.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { PolicySchema } from '../core/policy/schema.ts';
import type { Policy, PolicySet } from '../core/policy/schema.ts';

export async function loadPolicies(dir: string): Promise<PolicySet> {
  let names: string[];
  try {
    names = await policyFileNames(dir);
  } catch (err) {
    throw new AppError('policy_invalid', `cannot read policy directory ${dir}: ${(err as Error).message}`, { dir }, { cause: err });
  }

  const problems: string[] = [];
  const loaded: Array<{ policy: Policy; where: string }> = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    const result = parsePolicyFile(file, text);
    problems.push(...result.problems);
    loaded.push(...result.policies);
  }

  problems.push(...crossFileProblems(loaded));
  if (loaded.length === 0 && problems.length === 0) {
    problems.push(names.length === 0
      ? `${dir}: no policy files (*.yaml, *.yml) found`
      : `${names.map((n) => join(dir, n)).join(', ')}: no policy in ${names.length === 1 ? 'this file' : 'these files'} (empty or comments only)`);
  }
  if (problems.length > 0) {
    throw new AppError('policy_invalid', `invalid policies:\n${problems.map((p) => `  ${p}`).join('\n')}`, { problems });
  }
  return loaded.map((l) => l.policy);
}

// A ConfigMap volume holds each key as a symlink into a hidden `..data` directory, so entries
// are followed with stat() rather than judged by their own type; hidden entries are skipped.
async function policyFileNames(dir: string): Promise<string[]> {
  const candidates = (await readdir(dir)).filter((n) => !n.startsWith('.') && /\.ya?ml$/i.test(n)).sort();
  const checks = await Promise.all(
    candidates.map(async (n) => {
      try {
        return (await stat(join(dir, n))).isFile() ? n : undefined;
      } catch {
        return undefined; // a dangling link is not a policy file
      }
    }),
  );
  return checks.filter((n): n is string => n !== undefined);
}

/** Parses one file's text (possibly several `---` documents). Pure apart from its inputs; exported for tests. */
export function parsePolicyFile(file: string, text: string): { policies: Array<{ policy: Policy; where: string }>; problems: string[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const problems: string[] = [];
  const policies: Array<{ policy: Policy; where: string }> = [];
  if (!Array.isArray(docs)) {
    // An empty stream yields an EmptyStream object rather than an array.
    return { policies, problems };
  }
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const line = lineCounter.linePos(e.pos[0]).line;
        problems.push(`${file}:${line}: YAML syntax error: ${firstLine(e.message)}`);
      }
      continue;
    }
    const docLine = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : 1;
    let value: unknown;
    try {
      // Parses fine but cannot become data: an alias to an unknown anchor, too many aliases...
      value = doc.toJS();
    } catch (err) {
      problems.push(`${file}:${docLine}: YAML error: ${firstLine(err instanceof Error ? err.message : String(err))}`);
      continue;
    }
    if (value === null || value === undefined) continue; // comment-only document
    const parsed = PolicySchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(describeIssue(file, doc, lineCounter, issue));
      continue;
    }
    policies.push({ policy: parsed.data, where: `${file}:${docLine}` });
  }
  return { policies, problems };
}

function describeIssue(file: string, doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const line = lineOf(doc, lines, path);
  const where = line === undefined ? file : `${file}:${line}`;
  const field = formatPath(path) || '(document)';
  return `${where}: ${field}: ${issue.message}`;
}

// The line of the deepest node that exists on the path (a missing key points at its parent).
function lineOf(doc: Document, lines: LineCounter, path: Array<string | number>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function formatPath(path: Array<string | number>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function crossFileProblems(loaded: Array<{ policy: Policy; where: string }>): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  const exact = new Map<string, string>();
  for (const { policy, where } of loaded) {
    const name = policy.metadata.name;
    const seen = byName.get(name);
    if (seen !== undefined) problems.push(`${where}: metadata.name: policy "${name}" is already defined at ${seen}`);
    else byName.set(name, where);
    // Two policies naming the same namespace (or pattern) leave "most specific wins" undecided.
    for (const ns of policy.spec.namespaces) {
      const other = exact.get(ns);
      if (other !== undefined && other !== name) {
        problems.push(`${where}: spec.namespaces: ${JSON.stringify(ns)} is also listed by policy "${other}"`);
      } else exact.set(ns, name);
    }
  }
  return problems;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
