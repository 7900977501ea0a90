#!/usr/bin/env node
// Runs the TypeScript CLI directly: Node >= 22.18 strips types natively. Node's compile cache
// keeps the stripped and compiled modules between runs (in os.tmpdir()/node-compile-cache, keyed
// by Node version and file contents; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs
// skip the TypeScript stripper and most compiling: about half the start-up time and 20 MiB less.
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/cli.ts');
