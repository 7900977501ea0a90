// The family of an alert the rules do not flag, for the alerts teams actually run
// (kube-prometheus-stack's rules, node-exporter's, and a few written by hand).
import { describe, expect, it } from 'vitest';
import { alertFamily } from '../../../src/core/alerts/alert-family.ts';

describe('alertFamily', () => {
  it.each([
    [{ alertname: 'KubeContainerOOMKilled' }, 'memory'],
    [{ alertname: 'KubeMemoryOvercommit' }, 'memory'],
    [{ alertname: 'NodeMemoryHighUtilization', instance: '10.0.0.4:9100' }, 'memory'],
    [{ alertname: 'ContainerMemoryNearLimit', pod: 'api-0' }, 'memory'],
    [{ alertname: 'KubePodCrashLooping', pod: 'api-0', reason: 'CrashLoopBackOff' }, 'crash'],
    [{ alertname: 'KubeJobFailed', job_name: 'nightly' }, 'crash'],
    [{ alertname: 'KubeDeploymentReplicasMismatch', deployment: 'api' }, 'crash'],
    [{ alertname: 'KubeNodeNotReady', node: 'worker-1' }, 'node'],
    [{ alertname: 'KubeNodeUnreachable', node: 'worker-1' }, 'node'],
    [{ alertname: 'KubeletDown' }, 'node'],
    [{ alertname: 'NodeDiskPressure', node: 'worker-2' }, 'io'],
    [{ alertname: 'KubeNodePressure', node: 'worker-2' }, 'node'],
    [{ alertname: 'CPUThrottlingHigh', pod: 'api-0', container: 'app' }, 'cpu'],
    [{ alertname: 'KubeCPUOvercommit' }, 'cpu'],
    [{ alertname: 'NodeFilesystemSpaceFillingUp', mountpoint: '/' }, 'io'],
    [{ alertname: 'KubePersistentVolumeFillingUp', persistentvolumeclaim: 'data-db-0' }, 'io'],
    [{ alertname: 'TargetDown', job: 'api' }, 'network'],
    [{ alertname: 'CoreDNSLatencyHigh' }, 'network'],
    [{ alertname: 'KubePodNotReady', pod: 'api-0' }, 'crash'],
    [{ alertname: 'KubeQuotaExceeded', namespace: 'shop' }, 'scheduling'],
    [{ alertname: 'KubeClientCertificateExpiration' }, 'config'],
    [{ alertname: 'KubeVersionMismatch' }, 'config'],
    // The Kubernetes reason a kube-state-metrics alert carries decides before the name.
    [{ alertname: 'KubeContainerWaiting', pod: 'api-0', reason: 'ImagePullBackOff' }, 'image'],
    [{ alertname: 'KubeContainerWaiting', pod: 'api-0', reason: 'CreateContainerConfigError' }, 'config'],
    [{ alertname: 'KubePodTerminated', pod: 'api-0', reason: 'OOMKilled' }, 'memory'],
    // Names that say nothing: what the alert is about decides.
    [{ alertname: 'SloBudgetBurn', node: 'worker-3' }, 'node'],
    [{ alertname: 'SloBudgetBurn', pod: 'api-0' }, 'crash'],
    [{ alertname: 'SloBudgetBurn' }, 'config'],
  ] as const)('%o is %s', (labels, family) => {
    expect(alertFamily(labels)).toBe(family);
  });
});
