// Asks the API server about each access in turn (a few at a time): the answers, or the first error.
import type { AccessNeed, AccessQuery } from '../../core/doctor/agent-access.ts';
import type { KubeProbe } from './probes.ts';

export interface AccessAnswer {
  need: AccessNeed;
  query: AccessQuery;
  allowed: boolean;
}

const IN_FLIGHT = 8;

export async function askAccess(probe: KubeProbe, questions: ReadonlyArray<{ need: AccessNeed; query: AccessQuery }>): Promise<AccessAnswer[]> {
  const answers: AccessAnswer[] = new Array(questions.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < questions.length) {
      const i = next++;
      const q = questions[i]!;
      answers[i] = { ...q, allowed: await probe.can(q.query) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, questions.length) }, worker));
  return answers;
}
