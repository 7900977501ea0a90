// Container working sets from the resource metrics API (metrics.k8s.io, served by metrics-server
// through the API server's aggregation layer). Many clusters have no metrics-server: discovery
// answering 404 (no APIService) or 503 (APIService registered, backend down) means "unavailable",
// not an error. Read-only: get/list only.
import { z } from 'zod';
import { toBytes } from '../../core/quantity.ts';
import type { ContainerUsage, MetricsReader } from '../../ports.ts';
import { apiErrorStatus, toK8sError } from './k8s-error.ts';
import { createKubeJson } from './kube-json.ts';
import type { KubeConfig } from './client-node.ts';

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
  const kube = createKubeJson(kc, { timeoutMs: opts.timeoutMs ?? 10_000 });
  const base = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;

  return {
    async available(): Promise<boolean> {
      try {
        const list = await kube.getJson(base);
        const resources = typeof list === 'object' && list !== null && Array.isArray((list as { resources?: unknown }).resources)
          ? (list as { resources: unknown[] }).resources
          : [];
        return resources.some((r) => typeof r === 'object' && r !== null && (r as { name?: unknown }).name === 'pods');
      } catch (err) {
        const status = apiErrorStatus(err);
        if (status !== undefined && UNAVAILABLE_STATUS.has(status)) return false;
        throw toK8sError(err, { verb: 'discover', resource: `${METRICS_GROUP}/${METRICS_VERSION}` });
      }
    },

    async podMetrics(namespace): Promise<ContainerUsage[]> {
      let body: unknown;
      try {
        body = await kube.getJson(`${base}/namespaces/${encodeURIComponent(namespace)}/pods`);
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
