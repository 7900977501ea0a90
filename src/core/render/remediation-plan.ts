// The change a human would apply for an approved incident. The bot only shows it; it never runs it.
import type { IncidentReport } from '../model.ts';
import { approvedChange, type Resource } from '../recommend/approved.ts';

export interface RemediationPlan {
  limit: string;
  request?: string;
  /** A command to copy, when one exists for this workload and container. */
  command?: string;
  /** What to do instead, or a caveat about the command. */
  note?: string;
}

// Kinds whose pod template lives at spec.template and that `kubectl set resources` can update.
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

// Object names from the API server are DNS names; quote anything else so a pasted command stays one argument.
function shellArg(value: string): string {
  return /^[A-Za-z0-9._:/=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function resourcesYaml(resource: Resource, limit: string, request: string | undefined): string {
  return `resources:\n  limits:\n    ${resource}: ${limit}` + (request ? `\n  requests:\n    ${resource}: ${request}` : '');
}

export function remediationPlan(report: IncidentReport): RemediationPlan {
  const plan = resourcePlan(report);
  const heap = report.recommendation.runtimeSetting;
  if (!heap) return plan;
  const also = `Also set the heap to ${heap} in container ${report.detection.container}'s args (or JAVA_TOOL_OPTIONS / NODE_OPTIONS): the runtime, not the kernel, ran out of memory.`;
  return { ...plan, note: plan.note ? `${plan.note}\n${also}` : also };
}

function resourcePlan(report: IncidentReport): RemediationPlan {
  const { resource, limit, request } = approvedChange(report);
  const { kind, name } = report.workload;
  const d = report.detection;
  const target = `${kind.toLowerCase()}/${shellArg(name)}`;
  const ns = `-n ${shellArg(d.namespace)}`;
  const base = { limit, ...(request ? { request } : {}) };

  if (d.containerType === 'ephemeral') {
    return { ...base, note: `Ephemeral debug containers cannot be given new resources; start the debug container again with more ${resource === 'cpu' ? 'CPU' : 'memory'}.` };
  }
  const templatePath = kind === 'CronJob' ? ['jobTemplate', 'spec', 'template', 'spec'] : TEMPLATE_KINDS.has(kind) ? ['template', 'spec'] : undefined;
  if (!templatePath) {
    const why =
      kind === 'Pod'
        ? 'This pod has no owning workload and its resources cannot be changed in place.'
        : kind === 'Job'
          ? "A Job's pod template cannot be changed after creation."
          : `Workloads of kind ${kind} are not patched by kubectl set resources.`;
    return { ...base, note: `${why} Set this on container ${d.container} in the manifest it came from and apply it again:\n${resourcesYaml(resource, limit, request)}` };
  }

  if (d.containerType === 'app') {
    const requests = request ? ` --requests=${resource}=${shellArg(request)}` : '';
    return { ...base, command: `kubectl set resources ${target} ${ns} -c ${shellArg(d.container)} --limits=${resource}=${shellArg(limit)}${requests}` };
  }

  // Init containers and native sidecars live in initContainers: a strategic merge patch by name.
  const resources = { limits: { [resource]: limit }, ...(request ? { requests: { [resource]: request } } : {}) };
  let spec: Record<string, unknown> = { initContainers: [{ name: d.container, resources }] };
  for (const key of [...templatePath].reverse()) spec = { [key]: spec };
  const patch = JSON.stringify({ spec });
  return { ...base, command: `kubectl patch ${target} ${ns} --type=strategic -p ${shellArg(patch)}` };
}
