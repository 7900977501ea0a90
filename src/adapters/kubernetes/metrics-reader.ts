// Container working sets from the resource metrics API (metrics.k8s.io, served by metrics-server
// through the API server's aggregation layer). Many clusters have no metrics-server: discovery
// answering 404 (no APIService) or 503 (APIService registered, backend down) means "unavailable",
// not an error. Read-only: get/list only.
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { toBytes } from '../../core/quantity.ts';
import type { ContainerUsage, MetricsReader } from '../../ports.ts';
import { toK8sError } from './k8s-error.ts';
import { requestTimeout } from './request-timeout.ts';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

// Only the fields read here; metrics-server sends more (cpu, window, labels...).
const PodMetricsListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string() }),
      timestamp: z.string().optional(),
      containers: z.array(z.object({ name: z.string(), usage: z.object({ memory: z.string().optional() }).optional() })).optional(),
    }),
  ),
});

const UNAVAILABLE_STATUS = new Set([404, 503]);

export interface MetricsReaderOptions {
  timeoutMs?: number;
}

export function createMetricsReader(kc: KubeConfig, opts: MetricsReaderOptions = {}): MetricsReader {
  const api = kc.makeApiClient(CustomObjectsApi);
  const timeout = requestTimeout(opts.timeoutMs ?? 10_000);

  return {
    async available(): Promise<boolean> {
      try {
        const list = await api.getAPIResources({ group: METRICS_GROUP, version: METRICS_VERSION }, timeout);
        return list.resources.some((r) => r.name === 'pods');
      } catch (err) {
        if (err instanceof ApiException && UNAVAILABLE_STATUS.has(err.code)) return false;
        throw toK8sError(err, { verb: 'discover', resource: `${METRICS_GROUP}/${METRICS_VERSION}` });
      }
    },

    async podMetrics(namespace): Promise<ContainerUsage[]> {
      let body: unknown;
      try {
        body = await api.listNamespacedCustomObject({ group: METRICS_GROUP, version: METRICS_VERSION, namespace, plural: 'pods' }, timeout);
      } catch (err) {
        throw toK8sError(err, { verb: 'list', resource: `pods.${METRICS_GROUP}`, namespace });
      }
      const parsed = PodMetricsListSchema.safeParse(body);
      if (!parsed.success) {
        throw toK8sError(new Error(`unexpected PodMetricsList: ${parsed.error.issues[0]?.message ?? 'invalid'}`), {
          verb: 'list', resource: `pods.${METRICS_GROUP}`, namespace,
        });
      }
      return parsed.data.items.flatMap((item) => {
        const at = item.timestamp !== undefined && Number.isFinite(Date.parse(item.timestamp)) ? item.timestamp : undefined;
        if (at === undefined) return [];
        return (item.containers ?? []).flatMap((c) => {
          const bytes = c.usage?.memory === undefined ? undefined : toBytes(c.usage.memory);
          return bytes === undefined ? [] : [{ pod: item.metadata.name, container: c.name, bytes, at }];
        });
      });
    },
  };
}
