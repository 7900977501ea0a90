// The layering the design rests on: the core is pure (no SDKs, no node:*, no adapters, no ports,
// no clock, no environment), use cases do not know the CLI, and SDK types stop at the adapters.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
}

const core = files(join(SRC, 'core'));
const usecases = files(join(SRC, 'usecases'));
// The one pure helper the core may take from an SDK: client-node's quantity parser (no I/O).
const ALLOWED_PACKAGES: Record<string, string[]> = { 'core/quantity.ts': ['@kubernetes/client-node/dist/util.js'] };
const SDKS = ['@slack/', '@kubernetes/client-node', 'ollama', 'bullmq', 'ioredis', 'pino', 'prom-client'];

describe('architecture', () => {
  it('finds the core', () => {
    expect(core.length).toBeGreaterThan(30);
  });

  it.each(core.map((f) => [relative(SRC, f), f]))('%s imports only zod and the core', (rel, file) => {
    for (const spec of imports(file)) {
      if (spec.startsWith('.')) {
        const target = relative(SRC, join(file, '..', spec));
        // The ports are built from core types, never the other way round.
        expect(target, `${rel} imports the ports`).not.toBe('ports.ts');
        expect(target.startsWith('core/'), `${rel} imports ${spec}`).toBe(true);
        expect(target, `${rel} imports ${spec}`).not.toMatch(/^adapters|^usecases|^app|^config|^cli/);
        continue;
      }
      expect(spec === 'zod' || (ALLOWED_PACKAGES[rel] ?? []).includes(spec), `${rel} imports ${spec}`).toBe(true);
    }
  });

  it.each(core.map((f) => [relative(SRC, f), f]))('%s reads no clock, environment or randomness', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/\bDate\.now\(|new Date\(\)|\bprocess\.(env|argv|exit|cwd|hrtime|memoryUsage)\b|Math\.random\(/);
  });

  it('finds the use cases', () => {
    expect(usecases.length).toBeGreaterThan(10);
  });

  // Use cases return outcomes; what an outcome means to a shell (exit codes, usage text) is the CLI's.
  it.each(usecases.map((f) => [relative(SRC, f), f]))('%s knows nothing of the CLI', (rel, file) => {
    for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
      const target = relative(SRC, join(file, '..', spec));
      expect(target, `${rel} imports ${spec}`).not.toMatch(/^cli(\/|\.ts$)/);
    }
  });

  it('keeps SDK imports in adapters, wiring and entry points', () => {
    const outside = files(SRC).filter((f) => !/\/(adapters|app)\//.test(f) && !/\/(main|cli|logging)\.ts$/.test(f) && !f.includes('/cli/'));
    for (const file of outside) {
      for (const spec of imports(file)) {
        const isSdk = SDKS.some((s) => spec === s || spec.startsWith(s));
        const allowed = (ALLOWED_PACKAGES[relative(SRC, file)] ?? []).includes(spec);
        expect(isSdk && !allowed, `${relative(SRC, file)} imports ${spec}`).toBe(false);
      }
    }
  });
});
