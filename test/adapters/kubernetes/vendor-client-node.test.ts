// The agent runs a bundled copy of the part of client-node it uses (src/adapters/kubernetes/
// vendor/client-node.js): it must be built from the installed version, byte for byte, and the
// packages it imports must be the ones client-node itself resolves.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVendoredClientNode, installedVersion, VENDORED, vendoredVersion } from '../../../scripts/vendor/client-node.ts';

describe('vendored client-node', () => {
  const text = readFileSync(VENDORED, 'utf8');

  it('is built from the installed @kubernetes/client-node, unchanged (else: npm run vendor:client-node)', async () => {
    expect(vendoredVersion(text)).toBe(installedVersion);
    expect(await buildVendoredClientNode()).toBe(text);
  }, 60_000);

  it('imports the same dependency packages that client-node resolves', () => {
    const clientDir = dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node/package.json'));
    // Node's lookup: the nearest node_modules/<name> walking up from the importing file.
    const pkgDir = (from: string, name: string): string | undefined => {
      for (let dir = from; ; dir = dirname(dir)) {
        if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return realpathSync(join(dir, 'node_modules', name));
        if (dirname(dir) === dir) return undefined;
      }
    };
    const bare = [...text.matchAll(/^import .*?from "([^".][^"]*)";$/gm)].map((m) => m[1]!).filter((s) => !s.startsWith('node:') && s !== 'url');
    expect(bare.length).toBeGreaterThan(3);
    for (const name of new Set(bare)) {
      expect(pkgDir(dirname(VENDORED), name), name).toBeDefined();
      expect(pkgDir(dirname(VENDORED), name), name).toBe(pkgDir(clientDir, name));
    }
  });

  it('exports what the adapters use', async () => {
    const mod = await import('../../../src/adapters/kubernetes/vendor/client-node.js');
    expect(Object.keys(mod).sort()).toEqual(['ApiException', 'HttpMethod', 'IsomorphicFetchHttpLibrary', 'KubeConfig', 'RequestContext', 'Watch']);
  });
});
