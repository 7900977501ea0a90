// One fake Ollama per test file (vitest hooks; kept apart from the fake so benches can import it).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeOllama, type FakeOllama } from './fake-ollama.ts';

/**
 * One fake Ollama for a test file, reset before each test to answer well. Returns a getter: the
 * server exists only once beforeAll has run.
 */
export function useFakeOllama(reset: (fake: FakeOllama) => void = () => undefined): () => FakeOllama {
  let fake: FakeOllama | undefined;
  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake!.requests.length = 0;
    fake!.setBehavior({ kind: 'well' });
    fake!.clearModelBehaviors();
    reset(fake!);
  });
  return () => fake!;
}
