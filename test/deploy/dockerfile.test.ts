import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readRepoFile } from './repo-files.ts';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(readRepoFile('Dockerfile'));
const froms = all.filter((i) => i.op === 'FROM');
const lastStageStart = all.lastIndexOf(froms.at(-1)!);
const finalStage = all.slice(lastStageStart);
const dockerignore = readRepoFile('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('is multi-stage on Node 24', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f.args).toMatch(/^node:24(-slim|-alpine)?\b/);
  });

  it('installs production dependencies only, from the lockfile', () => {
    const install = all.find((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    expect(install?.args).toContain('--omit=dev');
  });

  it('copies what the agent runs: package*.json, bin/, policies/, src/, and eval/ for `kube-ai-sre eval`', () => {
    const copied = finalStage.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).map((i) => i.args);
    for (const path of ['package.json', 'package-lock.json', 'bin', 'policies', 'src', 'eval']) {
      expect(copied.some((c) => c.split(/\s+/).includes(path)), path).toBe(true);
      expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
      expect(dockerignore, `${path} must not be docker-ignored`).not.toContain(path);
    }
  });

  it('builds the client-node bundle in its own stage and ships it, never a local copy', () => {
    const stage = all.findIndex((i) => i.op === 'FROM' && i.args.endsWith(' AS client-node-bundle'));
    expect(stage).toBeGreaterThanOrEqual(0);
    const steps = all.slice(stage + 1, all.indexOf(froms[froms.indexOf(all[stage]!) + 1]!));
    expect(steps.map((i) => i.args)).toEqual(expect.arrayContaining(['npm ci --ignore-scripts --no-audit --no-fund', 'node scripts/vendor/client-node.ts']));
    expect(finalStage.map((i) => i.args)).toContain('--from=client-node-bundle /app/src/adapters/kubernetes/vendor ./src/adapters/kubernetes/vendor');
    expect(dockerignore).toContain('src/adapters/kubernetes/vendor');
    // scripts/ stays out of the context, but for the bundle's build script (a later `!` line wins).
    expect(dockerignore.lastIndexOf('!scripts/vendor')).toBeGreaterThan(dockerignore.indexOf('scripts'));
  });

  it('runs as the non-root uid 10001 in the final stage', () => {
    const users = finalStage.filter((i) => i.op === 'USER');
    expect(users.at(-1)?.args.split(':')[0]).toBe('10001');
  });

  it('checks its own health on /healthz and starts the same entry point as npm start', () => {
    expect(finalStage.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/healthz');
    const cmd = finalStage.find((i) => i.op === 'CMD')!;
    expect(JSON.parse(cmd.args)).toEqual(['node', 'src/main.ts']);
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node src/main.ts');
  });

  it('keeps secrets, git history and node_modules out of the build context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['.env', '.git', 'node_modules']));
  });
});
