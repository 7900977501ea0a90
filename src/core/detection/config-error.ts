// ConfigError: the kubelet cannot create or start a container because of its configuration: a
// missing ConfigMap or Secret (or a key in one), a bad command (StartError), a broken mount. The
// waiting or termination message names the missing piece; it is kept as the first fact.
import type { ContainerSnapshot, Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { baseDetection, contextFacts, latestTermination, stateFact, terminationFact } from './facts.ts';

const WAITING_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const MESSAGE_MAX = 400;

// `secret "db-creds" not found`, `configmap "app-config" not found`,
// `couldn't find key password in Secret shop/db-creds`.
const MISSING_OBJECT = /\b(configmap|secret)s? "([^"]+)" not found/i;
const MISSING_KEY = /couldn't find key (\S+) in (ConfigMap|Secret) ([\w.-]+)\/([\w.-]+)/i;

export function missingReference(message: string): string | undefined {
  const key = MISSING_KEY.exec(message);
  if (key) return `missing key ${key[1]} in ${key[2]} ${key[3]}/${key[4]}`;
  const object = MISSING_OBJECT.exec(message);
  if (object) return `missing ${object[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap'} ${object[2]}`;
  return undefined;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_MAX ? `${flat.slice(0, MESSAGE_MAX - 1)}…` : flat;
}

function failure(c: ContainerSnapshot): { reason: string; message: string; fact: string; exitCode?: number; at?: string } | undefined {
  if (c.state.kind === 'waiting' && WAITING_REASONS.has(c.state.reason ?? '')) {
    return { reason: c.state.reason!, message: c.state.message ?? '', fact: stateFact(c)! };
  }
  const latest = latestTermination(c);
  if (latest?.t.reason === 'StartError' || latest?.t.reason === 'ContainerCannotRun') {
    return {
      reason: latest.t.reason,
      message: latest.t.message ?? '',
      fact: terminationFact(c, latest.where, latest.t),
      ...(latest.t.exitCode !== undefined ? { exitCode: latest.t.exitCode } : {}),
      ...(latest.t.finishedAt ? { at: latest.t.finishedAt } : {}),
    };
  }
  return undefined;
}

export const configErrorRule: DetectionRule = {
  id: 'config-error',
  detect(pod: PodSnapshot): Detection[] {
    return pod.containers.flatMap((c) => {
      const f = failure(c);
      if (!f) return [];
      const missing = missingReference(f.message);
      return [
        {
          kind: 'ConfigError' as const,
          ...baseDetection(pod, c, c.name),
          reason: f.reason,
          ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
          ...(f.at ? { lastTerminatedAt: f.at } : {}),
          facts: [
            f.fact,
            ...(missing ? [missing] : []),
            ...(f.message.trim() ? [`message: ${clip(f.message)}`] : []),
            ...contextFacts(pod, c),
          ],
        },
      ];
    });
  },
};
