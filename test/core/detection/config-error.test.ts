import { describe, expect, it } from 'vitest';
import { configErrorRule, missingReference } from '../../../src/core/detection/config-error.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

function withState(state: Record<string, unknown>, lastState: Record<string, unknown> = {}): PodSnapshot {
  const raw = kubeFixture('pod-create-config-error');
  const status = (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!;
  status.state = state;
  status.lastState = lastState;
  return parsePod(raw);
}

describe('configErrorRule', () => {
  it('finds the missing Secret of the real CreateContainerConfigError pod', () => {
    const [d] = configErrorRule.detect(parsePod(kubeFixture('pod-create-config-error')));
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'ConfigError', container: 'app', reason: 'CreateContainerConfigError' });
    expect(d!.facts.slice(0, 3)).toEqual([
      'containerStatuses[app].state.waiting: reason=CreateContainerConfigError',
      'missing Secret web-db',
      'message: secret "web-db" not found',
    ]);
  });

  it.each([
    { name: 'a missing key in a Secret', state: { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key password in Secret shop/web-db" } }, fact: 'missing key password in Secret shop/web-db' },
    { name: 'a missing ConfigMap', state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "web-config" not found' } }, fact: 'missing ConfigMap web-config' },
    { name: 'a CreateContainerError', state: { waiting: { reason: 'CreateContainerError', message: 'failed to create containerd container: mount /data: no such file or directory' } }, fact: 'message: failed to create containerd container: mount /data: no such file or directory' },
  ])('finds $name', ({ state, fact }) => {
    const [d] = configErrorRule.detect(withState(state));
    expect(d?.kind).toBe('ConfigError');
    expect(d!.facts).toContain(fact);
  });

  it('finds a StartError (a command that cannot run) with its exit code', () => {
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/serve": stat /app/serve: no such file or directory: unknown';
    const [d] = configErrorRule.detect(
      withState({ waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { reason: 'StartError', exitCode: 128, message, startedAt: '1970-01-01T00:00:00Z', finishedAt: '2024-05-14T08:40:01Z' } }),
    );
    expect(d).toMatchObject({ kind: 'ConfigError', reason: 'StartError', exitCode: 128, lastTerminatedAt: '2024-05-14T08:40:01.000Z' });
    expect(d!.facts[0]).toMatch(/^containerStatuses\[app\]\.lastState\.terminated: reason=StartError exitCode=128/);
  });

  it('ignores running containers and image problems', () => {
    expect(configErrorRule.detect(withState({ running: { startedAt: '2024-05-14T08:40:01Z' } }))).toEqual([]);
    expect(configErrorRule.detect(parsePod(kubeFixture('pod-imagepullbackoff')))).toEqual([]);
  });

  it.each([
    ['secret "db" not found', 'missing Secret db'],
    ['configmaps "app-config" not found', 'missing ConfigMap app-config'],
    ["couldn't find key url in ConfigMap shop/app-config", 'missing key url in ConfigMap shop/app-config'],
    ['something else', undefined],
  ])('missingReference(%j) = %j', (message, out) => {
    expect(missingReference(message)).toBe(out);
  });
});
