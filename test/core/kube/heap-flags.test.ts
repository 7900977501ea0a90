import { describe, expect, it } from 'vitest';
import { heapFlags } from '../../../src/core/kube/heap-flags.ts';

describe('heapFlags', () => {
  it.each([
    { name: 'JVM -Xmx in args', command: ['java'], args: ['-Xms256m', '-Xmx512m', '-jar', 'app.jar'], env: [], out: ['-Xmx512m (args)'] },
    { name: 'JVM percentage in JAVA_TOOL_OPTIONS', command: [], args: [], env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-XX:+UseG1GC -XX:MaxRAMPercentage=60.0 -Dpassword=hunter2' }], out: ['-XX:MaxRAMPercentage=60.0 (env JAVA_TOOL_OPTIONS)'] },
    { name: 'Node.js in NODE_OPTIONS', command: ['node'], args: ['server.js'], env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=1536 --enable-source-maps' }], out: ['--max-old-space-size=1536 (env NODE_OPTIONS)'] },
    { name: 'Node.js flag in command', command: ['node', '--max-old-space-size=4096', 'index.js'], args: [], env: [], out: ['--max-old-space-size=4096 (command)'] },
    { name: 'GOMEMLIMIT', command: [], args: [], env: [{ name: 'GOMEMLIMIT', value: '900MiB' }], out: ['GOMEMLIMIT=900MiB (env)'] },
    { name: 'other env vars are never read', command: [], args: [], env: [{ name: 'DB_URL', value: '-Xmx1g' }, { name: 'SECRET', value: '--max-old-space-size=1' }], out: [] },
    { name: 'nothing set', command: ['python', 'main.py'], args: [], env: [{ name: 'JAVA_OPTS' }], out: [] },
  ])('$name', ({ command, args, env, out }) => {
    expect(heapFlags(command, args, env)).toEqual(out);
  });
});

describe('parsePod reads heap flags from the container spec', () => {
  it('keeps only the heap flags of command, args and known env vars', async () => {
    const { parsePod } = await import('../../../src/core/kube/parse.ts');
    const pod = parsePod({
      kind: 'Pod',
      metadata: { name: 'orders-0', namespace: 'shop' },
      spec: {
        containers: [
          { name: 'orders', image: 'orders:2', command: ['java'], args: ['-Xmx256m', '-jar', '/app/orders.jar'], env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=50' }, { name: 'DB_PASSWORD', value: '-Xmx9g' }] },
          { name: 'proxy', image: 'envoy:1', args: ['--config', '/etc/envoy.yaml'] },
        ],
      },
      status: {},
    });
    expect(pod.containers.map((c) => c.heapFlags)).toEqual([['-Xmx256m (args)', '-XX:MaxRAMPercentage=50 (env JAVA_TOOL_OPTIONS)'], undefined]);
  });
});
