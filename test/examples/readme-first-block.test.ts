// The README's first command block, run the way a new user runs it: in a fresh checkout (the
// repository's files as a clone gets them: tracked and not ignored, so no .env, no .cache, no
// kubeconfig), with the system's PATH, a HOME of its own, and no Redis, cluster or Ollama
// configured. `npm ci` itself is not run (it needs the registry): the checkout gets this
// repository's installed node_modules, which is what `npm ci` would leave there.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/test-cluster/free-port.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OLLAMA_DEFAULT = 'http://127.0.0.1:11434';

/** The first ```bash block of the README, and the ```text block that shows its output. */
function firstBlocks(readme: string): { commands: string[]; output: string[] } {
  const bash = /```bash\n([\s\S]*?)```/.exec(readme);
  if (!bash) throw new Error('README has no ```bash block');
  const after = readme.slice(bash.index + bash[0].length);
  const text = /^\s*```text\n([\s\S]*?)```/.exec(after);
  return {
    commands: bash[1]!.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')),
    output: text ? text[1]!.split('\n').filter((l) => l !== '' && l !== '…') : [],
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A copy of the files a clone of this working tree would have. */
function freshCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kube-ai-sre-clone-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter(Boolean);
  for (const file of files) {
    try {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(ROOT, file), join(dir, file));
    } catch (err) {
      // A file deleted in the working tree but still in the index is not in a clone of it either.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the README\'s first command block on a fresh checkout', () => {
  let checkout: string;
  let home: string;
  beforeAll(() => {
    checkout = freshCheckout();
    home = mkdtempSync(join(tmpdir(), 'kube-ai-sre-home-'));
  });
  afterAll(() => {
    if (checkout) rmSync(checkout, { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('prints the example\'s full rule-based report and how to get the LLM explanation', { timeout: 120_000 }, async () => {
    const { commands, output } = firstBlocks(readFileSync(join(checkout, 'README.md'), 'utf8'));
    expect(commands[0]).toBe('npm ci');
    expect(commands.slice(1)).toEqual(['npx kube-ai-sre scan --from-file examples/demo-oom.json']);
    // No Ollama: the default address, unless something on this machine already answers there.
    const ollamaBusy = await listening(11434);
    const ollamaHost = ollamaBusy ? `http://127.0.0.1:${await freePort()}` : OLLAMA_DEFAULT;
    const env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      // No registry traffic from npm's update check.
      npm_config_update_notifier: 'false',
      ...(ollamaBusy ? { OLLAMA_HOST: ollamaHost } : {}),
    };
    const script = ['set -u', ...commands.slice(1)].join('\n');
    const res = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script], { cwd: checkout, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      });
    });

    // Exit 7: incidents reported, rule-based because Ollama is unavailable.
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout).toMatch(/^Incident: memory-hog \(demo\) on node kube-ai-sre-control-plane {3}\[OOMCrashLoop\]$/m);
    expect(res.stdout).not.toContain('Incident: slow-memory-hog');
    for (const line of ['Root causes:', 'Explanation:', 'Confidence: 0.60 (rule-based (llm_unreachable))', 'Evidence:', 'Recommended memory: 176Mi', 'Policy: allowed (default)', 'Auto-remediation: DISABLED']) {
      expect(res.stdout).toContain(line);
    }
    // Exactly one line about the LLM, saying how to get its explanation.
    const llmLines = res.stderr.split('\n').filter((l) => l.includes('ollama'));
    expect(llmLines).toEqual([expect.stringMatching(/reports are rule-based; for the LLM explanation start Ollama .*ollama pull mistral/)]);
    expect(res.stderr).not.toMatch(/at .*\.ts:\d+|Error:/);

    // Every line the README shows is what the user sees.
    const seen = `${res.stdout}\n${res.stderr}`.split(ollamaHost).join(OLLAMA_DEFAULT);
    expect(output.length).toBeGreaterThan(3);
    for (const line of output) expect(seen.split('\n'), line).toContain(line);
  });
});
