// The agent runs a bundled copy of the part of client-node it uses, built by `npm ci` (`prepare`)
// into src/adapters/kubernetes/vendor/client-node.js: it must be built from the installed version,
// byte for byte, the packages it imports must be the ones client-node itself resolves, and an
// install that built no bundle must still run on the package itself.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as clientNode from '@kubernetes/client-node';
import { buildVendoredClientNode, installedVersion, VENDORED, vendoredVersion } from '../../../scripts/vendor/client-node.ts';
import * as adapter from '../../../src/adapters/kubernetes/client-node.ts';

const EXPORTS = ['ApiException', 'HttpMethod', 'IsomorphicFetchHttpLibrary', 'KubeConfig', 'RequestContext', 'Watch'];

describe('bundled client-node', () => {
  const text = existsSync(VENDORED) ? readFileSync(VENDORED, 'utf8') : '';

  it('was built by npm ci from the installed @kubernetes/client-node, unchanged (else: npm run vendor:client-node)', async () => {
    expect(text, `${VENDORED} is missing: npm ci builds it (prepare), or run npm run vendor:client-node`).not.toBe('');
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

  it('is what the adapters load, with every export they use', async () => {
    const bundle = (await import(pathToFileURL(VENDORED).href)) as Record<string, unknown>;
    expect(Object.keys(bundle).sort()).toEqual(EXPORTS);
    expect(adapter.clientNodeBundled).toBe(true);
    for (const name of EXPORTS) expect(adapter[name as keyof typeof adapter], name).toBe(bundle[name]);
    expect(adapter.KubeConfig).not.toBe(clientNode.KubeConfig);
  });

  it('falls back to the package itself when no bundle was built', async () => {
    const loaded = await adapter.loadClientNode(new URL('./no-such-bundle.js', pathToFileURL(VENDORED)));
    expect(loaded.bundled).toBe(false);
    for (const name of EXPORTS) expect(loaded.module[name as keyof typeof clientNode], name).toBe(clientNode[name as keyof typeof clientNode]);
  });
});
