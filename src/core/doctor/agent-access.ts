// What the agent may do in the cluster, as SelfSubjectAccessReview questions: every read it makes
// (and only those it makes with this configuration), and the writes and sensitive reads it must
// not be able to make. manifests/agent/rbac.yaml grants the reads; a test keeps the two in step.

export interface AccessQuery {
  verb: string;
  /** API group; "" for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Namespace asked about; undefined for cluster-scoped resources or "every namespace". */
  namespace?: string;
}

export interface AccessNeed {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Cluster-scoped resources are asked once, without a namespace. */
  clusterScoped?: boolean;
  /** What the agent does with it, for the report. */
  why: string;
}

export interface AccessScope {
  /** SCAN_NAMESPACES; empty means every namespace (asked cluster-wide). */
  namespaces: readonly string[];
  watch: boolean;
  /** EVENT_WATCH_ENABLED: Warning events (events.k8s.io) watched, and the pods they are about read. */
  eventWatch: boolean;
  forecast: boolean;
}

/** The reads the agent makes with this configuration. */
export function requiredReads(scope: AccessScope): AccessNeed[] {
  return [
    { verb: 'list', group: '', resource: 'pods', why: 'scan pods' },
    ...(scope.watch ? [{ verb: 'watch', group: '', resource: 'pods', why: 'pod watch (WATCH_ENABLED)' }] : []),
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', why: "read the crashed container's previous log" },
    { verb: 'list', group: '', resource: 'events', why: 'events in the report' },
    ...(scope.eventWatch
      ? [
          { verb: 'list', group: 'events.k8s.io', resource: 'events', why: 'event watch (EVENT_WATCH_ENABLED)' },
          { verb: 'watch', group: 'events.k8s.io', resource: 'events', why: 'event watch (EVENT_WATCH_ENABLED)' },
          { verb: 'get', group: '', resource: 'pods', why: 're-read the pod a Warning event is about (EVENT_WATCH_ENABLED)' },
        ]
      : []),
    { verb: 'get', group: '', resource: 'nodes', clusterScoped: true, why: "the node's memory pressure" },
    { verb: 'list', group: '', resource: 'nodes', clusterScoped: true, why: 'what the largest node can hold, for unschedulable pods' },
    { verb: 'get', group: '', resource: 'namespaces', clusterScoped: true, why: 'namespace existence (/sre scan, readiness)' },
    ...(scope.namespaces.length === 0 ? [{ verb: 'list', group: '', resource: 'namespaces', clusterScoped: true, why: 'find namespaces to scan (SCAN_NAMESPACES is empty)' }] : []),
    { verb: 'get', group: 'apps', resource: 'replicasets', why: 'resolve a pod to its Deployment' },
    { verb: 'get', group: 'batch', resource: 'jobs', why: 'resolve a pod to its CronJob' },
    ...(scope.forecast ? [{ verb: 'list', group: 'metrics.k8s.io', resource: 'pods', why: 'memory usage for leak forecasts (FORECAST_HORIZON_MINUTES)' }] : []),
  ];
}

/** Writes and sensitive reads: any of these allowed means the agent's credentials are too broad. */
export const FORBIDDEN_ACCESS: readonly AccessNeed[] = [
  ...['create', 'update', 'patch', 'delete', 'deletecollection'].map((verb) => ({ verb, group: '', resource: 'pods', why: 'change pods' })),
  { verb: 'patch', group: '', resource: 'pods', subresource: 'status', why: 'rewrite pod status' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'exec', why: 'run commands in containers' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', why: 'evict pods' },
  ...['update', 'patch', 'delete'].flatMap((verb) => ['deployments', 'statefulsets', 'daemonsets', 'replicasets'].map((resource) => ({ verb, group: 'apps', resource, why: 'change workloads' }))),
  { verb: 'create', group: 'apps', resource: 'deployments', why: 'create workloads' },
  { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', why: 'scale workloads' },
  ...['create', 'patch', 'delete'].flatMap((verb) => ['jobs', 'cronjobs'].map((resource) => ({ verb, group: 'batch', resource, why: 'change jobs' }))),
  ...['create', 'update', 'patch', 'delete'].map((verb) => ({ verb, group: '', resource: 'configmaps', why: 'change configuration' })),
  { verb: 'get', group: '', resource: 'secrets', why: 'read secrets' },
  { verb: 'list', group: '', resource: 'secrets', why: 'read secrets' },
  { verb: 'patch', group: '', resource: 'nodes', clusterScoped: true, why: 'change nodes' },
  { verb: 'delete', group: '', resource: 'namespaces', clusterScoped: true, why: 'delete namespaces' },
  { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', why: 'grant itself more rights' },
];

/** One question per need and namespace (or one cluster-wide question). */
export function accessQueries(needs: readonly AccessNeed[], scope: Pick<AccessScope, 'namespaces'>): Array<{ need: AccessNeed; query: AccessQuery }> {
  return needs.flatMap((need) => {
    const base = { verb: need.verb, group: need.group, resource: need.resource, ...(need.subresource ? { subresource: need.subresource } : {}) };
    if (need.clusterScoped || scope.namespaces.length === 0) return [{ need, query: base }];
    return scope.namespaces.map((namespace) => ({ need, query: { ...base, namespace } }));
  });
}

/** "watch pods in demo", "get nodes", "list pods.metrics.k8s.io in every namespace". */
export function describeQuery(q: AccessQuery, clusterScoped = false): string {
  const resource = `${q.resource}${q.subresource ? `/${q.subresource}` : ''}${q.group ? `.${q.group}` : ''}`;
  const where = clusterScoped ? '' : q.namespace ? ` in ${q.namespace}` : ' in every namespace';
  return `${q.verb} ${resource}${where}`;
}
