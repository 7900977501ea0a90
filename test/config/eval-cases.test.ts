import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvalCases } from '../../src/config/eval-cases.ts';
import { BUILTIN_EVAL_CASES_DIR } from '../../src/config/paths.ts';
import { incidentFamily } from '../../src/core/detection/family.ts';
import { diagnosisRequest } from '../../src/usecases/diagnose-incident.ts';
import { caseInput } from '../../src/usecases/eval-models.ts';

describe('the shipped eval cases', () => {
  it('load, and cover a leak, a JVM heap OOM, a probe kill, an init OOM, an eviction, an injection and secrets', async () => {
    const cases = await loadEvalCases(BUILTIN_EVAL_CASES_DIR);
    expect(cases.map((c) => [c.id, c.found.detection.kind, c.found.detection.containerType])).toEqual([
      ['eviction', 'EvictedMemory', 'app'],
      ['init-oom', 'OOMKilled', 'init'],
      ['injection', 'OOMCrashLoop', 'app'],
      ['jvm-heap', 'RuntimeOOM', 'app'],
      ['oom-leak', 'OOMCrashLoop', 'app'],
      ['probe-kill', 'ProbeKill', 'app'],
      ['secrets', 'OOMCrashLoop', 'app'],
    ]);
    expect(cases.filter((c) => c.expect.injection).map((c) => c.id)).toEqual(['injection']);
    expect(new Set(cases.map((c) => incidentFamily(c.found.detection.kind)))).toEqual(new Set(['memory', 'crash']));
  });

  it('reach the model without their secrets (the agent redacts them), with the log they are about', async () => {
    for (const c of await loadEvalCases(BUILTIN_EVAL_CASES_DIR)) {
      const prompt = diagnosisRequest(caseInput(c)).messages.map((m) => m.content).join('\n');
      for (const secret of c.expect.secrets) expect(prompt, `${c.id}: ${secret}`).not.toContain(secret);
      const lastLine = c.logTail.split('\n').filter(Boolean).at(-1);
      if (lastLine && c.expect.secrets.length === 0) expect(prompt, c.id).toContain(lastLine.slice(0, 40));
    }
  });
});

describe('loadEvalCases', () => {
  it('lists every problem of every file at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eval-cases-'));
    await writeFile(join(dir, 'a.json'), '{ not json');
    await writeFile(join(dir, 'b.json'), JSON.stringify({ id: 'B!', title: 'x', found: {}, expect: { rootCause: ['(unclosed'] } }));
    await expect(loadEvalCases(dir)).rejects.toMatchObject({ code: 'input_invalid', message: expect.stringMatching(/a\.json: not JSON[\s\S]*b\.json: id[\s\S]*b\.json: found/) });
    await expect(loadEvalCases(join(dir, 'missing'))).rejects.toMatchObject({ code: 'input_invalid' });
  });
});
