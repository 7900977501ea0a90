// Error mapping for the Kubernetes adapter: API statuses and socket failures → k8s_* codes.
import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { toK8sError } from '../../../src/adapters/kubernetes/k8s-error.ts';
import { AppError } from '../../../src/core/errors.ts';

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
const apiError = (code: number, body: unknown) => new ApiException(code, `HTTP-Code: ${code}`, body, {});
const socketError = (code: string) => Object.assign(new TypeError('fetch failed'), {
  cause: Object.assign(new Error(`connect ${code} 127.0.0.1:6443`), { code }),
});
const listPods = { verb: 'list', resource: 'pods', namespace: 'demo' };

describe('toK8sError', () => {
  it.each([
    [apiError(403, status(403, 'Forbidden', 'pods is forbidden: User "x" cannot list resource "pods"')), 'k8s_forbidden', 'forbidden: cannot list pods in namespace "demo" (RBAC)'],
    [apiError(404, status(404, 'NotFound', 'namespaces "demo" not found')), 'k8s_not_found', 'not found: pods in namespace "demo"'],
    [apiError(410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.')), 'k8s_gone',
      'gone: cannot list pods in namespace "demo": The provided continue parameter is too old to display a consistent list result.'],
    [apiError(401, undefined), 'k8s_error', 'unauthorized: the Kubernetes API rejected the credentials to list pods in namespace "demo"'],
    [apiError(500, status(500, 'InternalError', 'etcdserver: request timed out\nretry later')), 'k8s_error',
      'kubernetes API error 500: cannot list pods in namespace "demo": etcdserver: request timed out retry later'],
    [apiError(503, 'service unavailable'), 'k8s_error', 'kubernetes API error 503: cannot list pods in namespace "demo": service unavailable'],
    [socketError('ECONNREFUSED'), 'k8s_unreachable', 'unreachable: cannot list pods in namespace "demo": Kubernetes API connection failed (ECONNREFUSED)'],
    [socketError('ENOTFOUND'), 'k8s_unreachable', 'unreachable: cannot list pods in namespace "demo": Kubernetes API connection failed (ENOTFOUND)'],
    [socketError('UND_ERR_CONNECT_TIMEOUT'), 'k8s_unreachable', 'unreachable: cannot list pods in namespace "demo": Kubernetes API connection failed (UND_ERR_CONNECT_TIMEOUT)'],
    [Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })]) }),
      'k8s_unreachable', 'unreachable: cannot list pods in namespace "demo": Kubernetes API connection failed (EHOSTUNREACH)'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'k8s_unreachable', 'unreachable: cannot list pods in namespace "demo": Kubernetes API timed out'],
    [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }),
      'k8s_error', 'kubernetes client error: cannot list pods in namespace "demo": fetch failed (DEPTH_ZERO_SELF_SIGNED_CERT)'],
  ])('%#: maps to %s', (err, code, message) => {
    const mapped = toK8sError(err, listPods);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toBe(message);
    expect(mapped.cause).toBe(err);
  });

  it('names the object when there is one', () => {
    const mapped = toK8sError(apiError(404, undefined), { verb: 'get', resource: 'replicaset', name: 'web-5d8f', namespace: 'shop' });
    expect(mapped.message).toBe('not found: replicaset "web-5d8f" in namespace "shop"');
    expect(mapped.details).toMatchObject({ status: 404, verb: 'get', resource: 'replicaset', name: 'web-5d8f' });
  });

  it('passes AppErrors through unchanged', () => {
    const original = new AppError('k8s_gone', 'gone');
    expect(toK8sError(original, listPods)).toBe(original);
  });
});
