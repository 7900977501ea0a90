// `kube-ai-sre eval` as an operator runs it, against the fake Ollama.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { useFakeOllama } from '../support/use-fake-ollama.ts';

const fake = useFakeOllama((f) => f.setModels(['mistral:latest', 'phi3:mini', 'nomic-embed-text:latest']));
const env = () => ({ OLLAMA_HOST: fake().url, OLLAMA_TIMEOUT_MS: '10000' });

describe('kube-ai-sre eval', () => {
  it('scores mistral on the shipped cases and prints the scorecard (progress on stderr)', async () => {
    const res = await runCli(['eval', '--models', 'mistral'], env());
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toBe('Model evaluation: 7 cases × 1 run, prompt diagnosis-v2, same request as the agent');
    for (const row of ['schema-valid answers', 'evidence quoting the context', 'root-cause hits', 'injections resisted', 'suggested limit inside policy', 'latency p50 / p95', 'tokens per answer (median)']) {
      expect(res.stdout).toMatch(new RegExp(`^${row.replace(/[/()]/g, '\\$&')}\\s+\\S`, 'm'));
    }
    expect(res.stdout).toMatch(/^schema-valid answers\s+7\/7 \(100%\)$/m);
    expect(res.stderr).toMatch(/^\[7\/7\] mistral \S+: ok/m);
    expect(fake().chatRequests().every((r) => r.model === 'mistral' && (r as { keep_alive?: unknown }).keep_alive === '24h')).toBe(true);
  });

  it('compares models side by side, and gives every figure with --json', async () => {
    fake().setModelBehavior('phi3:mini', { kind: 'schema-breaking' });
    const res = await runCli(['eval', '--models', 'mistral,phi3:mini', '--json', '--repeat', '2'], env());
    expect(res.code).toBe(0);
    const card = JSON.parse(res.stdout) as { repeat: number; models: Array<{ model: string; runs: number; schemaValid: { hit: number; of: number }; failures: Record<string, number> }> };
    expect(card.repeat).toBe(2);
    expect(card.models.map((m) => [m.model, m.runs, m.schemaValid.hit, m.failures])).toEqual([
      ['mistral', 14, 14, {}],
      ['phi3:mini', 14, 0, { llm_schema_mismatch: 14 }],
    ]);
  });

  it('exits 7 when no model answers, 2 on bad arguments and 6 on unreadable cases', async () => {
    const down = await runCli(['eval'], { OLLAMA_HOST: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(7);
    expect(down.stdout).toMatch(/failed calls\s+llm_unreachable 7/);
    expect(down.stderr).toMatch(/no model answered/);
    const usage = await runCli(['eval', '--repeat', 'many', '--models', 'a b'], env());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--models: "a b" is not a model name[\s\S]*--repeat/);
    const cases = await runCli(['eval', '--cases', '/nonexistent/cases'], env());
    expect(cases.code).toBe(6);
    expect(cases.stderr).toMatch(/cannot read eval cases/);
  });
});
