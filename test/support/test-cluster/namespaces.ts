// Unique namespaces per test: nothing deletes namespaces here (no controllers run), so names never repeat.
import { randomBytes } from 'node:crypto';
import type { CoreV1Api } from '@kubernetes/client-node';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 63);
}

export async function createNamespace(core: CoreV1Api, prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels: { 'kube-ai-sre.test/namespace': 'true' } } } });
  return name;
}
