import { describe, expect, it } from 'vitest';
import { imagePullFailureRule } from '../../../src/core/detection/image-pull-failure.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type EventSnapshot, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const backOff = parsePod(kubeFixture('pod-imagepullbackoff'));

function waiting(reason: string, message: string): PodSnapshot {
  const raw = kubeFixture('pod-imagepullbackoff');
  (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!.state = { waiting: { reason, message } };
  return parsePod(raw);
}

const registryError =
  'Failed to pull image "registry.example.com/shop/web:1.14.3-typo": rpc error: code = NotFound desc = failed to pull and unpack image ' +
  '"registry.example.com/shop/web:1.14.3-typo": failed to resolve reference "registry.example.com/shop/web:1.14.3-typo": registry.example.com/shop/web:1.14.3-typo: not found';

const failedEvent: EventSnapshot = {
  namespace: 'shop',
  involvedKind: 'Pod',
  involvedName: backOff.name,
  involvedFieldPath: 'spec.containers{app}',
  type: 'Warning',
  reason: 'Failed',
  message: registryError,
  count: 3,
  lastTimestamp: '2024-05-14T08:51:12Z',
};

describe('imagePullFailureRule', () => {
  it('finds ImagePullBackOff with the image and the registry message from the Failed event', () => {
    const [d] = imagePullFailureRule.detect(backOff, { events: [failedEvent] });
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'ImagePullFailure', container: 'app', reason: 'ImagePullBackOff' });
    expect(d!.facts).toContain('image: registry.example.com/shop/web:1.14.3-typo');
    expect(d!.facts).toContain(`event Failed (×3): ${registryError}`);
  });

  it.each([
    { reason: 'ErrImagePull', message: 'rpc error: code = Unknown desc = failed to pull: 401 Unauthorized', fact: 'waiting message: rpc error: code = Unknown desc = failed to pull: 401 Unauthorized' },
    { reason: 'InvalidImageName', message: 'Failed to apply default image tag "Web:latest": couldn\'t parse image name', fact: 'waiting message: Failed to apply default image tag "Web:latest": couldn\'t parse image name' },
    { reason: 'ErrImageNeverPull', message: 'Container image "web:dev" is not present with pull policy of Never', fact: 'waiting message: Container image "web:dev" is not present with pull policy of Never' },
  ])('finds $reason with its message', ({ reason, message, fact }) => {
    const [d] = imagePullFailureRule.detect(waiting(reason, message));
    expect(d).toMatchObject({ kind: 'ImagePullFailure', reason });
    expect(d!.facts).toContain(fact);
  });

  it('takes the registry message only from a Failed event about pulling', () => {
    const backOffEvent = { ...failedEvent, reason: 'BackOff', message: 'Back-off pulling image "registry.example.com/shop/web:1.14.3-typo"' };
    const otherFailure = { ...failedEvent, message: 'Error: failed to reserve container name "app_web"' };
    const [d] = imagePullFailureRule.detect(backOff, { events: [backOffEvent, otherFailure] });
    expect(d!.facts.some((f) => f.startsWith('event '))).toBe(false);
  });

  it('ignores a Failed event of another container and pods that pulled fine', () => {
    const other = { ...failedEvent, involvedFieldPath: 'spec.containers{sidecar}' };
    expect(imagePullFailureRule.detect(backOff, { events: [other] })[0]!.facts.some((f) => f.startsWith('event Failed'))).toBe(false);
    expect(imagePullFailureRule.detect(parsePod(kubeFixture('pod-exit1-crashloop')))).toEqual([]);
  });
});
