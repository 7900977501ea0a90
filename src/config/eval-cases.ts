// Reads the labelled incidents of `kube-ai-sre eval` (a folder of *.json, one case each, or one
// file). Every problem in every file is reported at once in one AppError('input_invalid').
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EvalCaseSchema, type EvalCase } from '../core/eval/case.ts';
import { AppError } from '../core/errors.ts';

export async function loadEvalCases(path: string): Promise<EvalCase[]> {
  let files: string[];
  try {
    files = (await stat(path)).isDirectory()
      ? (await readdir(path)).filter((n) => n.endsWith('.json')).sort().map((n) => join(path, n))
      : [path];
  } catch (err) {
    throw new AppError('input_invalid', `cannot read eval cases at ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  const problems: string[] = [];
  const cases: EvalCase[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      problems.push(`${file}: not JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = EvalCaseSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.slice(0, 10).map((i) => `${file}: ${i.path.join('.') || '(case)'}: ${i.message}`));
      continue;
    }
    if (cases.some((c) => c.id === parsed.data.id)) problems.push(`${file}: case id "${parsed.data.id}" is used twice`);
    cases.push(parsed.data);
  }
  if (cases.length === 0 && problems.length === 0) problems.push(`${path}: no eval case (*.json) found`);
  if (problems.length > 0) throw new AppError('input_invalid', `invalid eval cases:\n${problems.map((p) => `  ${p}`).join('\n')}`, { problems, files: files.map((f) => basename(f)) });
  return cases;
}
