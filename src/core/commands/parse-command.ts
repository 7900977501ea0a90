// `/sre <text>` → one command. Total: any input (empty, huge, binary, unicode) yields exactly one
// of the variants, never an exception. Problems are short, quote at most a little of the input
// and are escaped by whoever renders them.

/** A workload as typed: `checkout`, `demo/checkout`, `deployment/checkout`, `demo/deployment/checkout`. */
export interface WorkloadQuery {
  name: string;
  namespace?: string;
  /** Canonical kind ("Deployment") when the user named one. */
  kind?: string;
}

export type SreCommand =
  /** `cluster` when typed as `<cluster>/<namespace>`. */
  | { type: 'scan'; namespace: string; cluster?: string }
  /** Clusters whose agents report in, with their last heartbeat and version. */
  | { type: 'clusters' }
  | { type: 'incidents' }
  | { type: 'history'; workload: WorkloadQuery }
  | { type: 'audit'; n: number }
  /** Posts the audit chain's head to the audit channel now (approvers only). */
  | { type: 'audit_checkpoint' }
  | { type: 'policy'; namespace?: string }
  | { type: 'stats' }
  | { type: 'help' }
  | { type: 'invalid'; problem: string };

export const MAX_COMMAND_TEXT = 500;
export const AUDIT_DEFAULT_ENTRIES = 10;
export const AUDIT_MAX_ENTRIES = 50;

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_MAX = 63;
// Workload and pod names are DNS-1123 subdomains.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const OBJECT_NAME_MAX = 253;
const CUSTOM_KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
// C0/C1 controls except tab/newline/carriage return, plus bidi overrides that disguise text.
function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

const KIND_ALIASES: Readonly<Record<string, string>> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet',
  job: 'Job', jobs: 'Job',
  cronjob: 'CronJob', cronjobs: 'CronJob', cj: 'CronJob',
  pod: 'Pod', pods: 'Pod', po: 'Pod',
};

/** Kinds an incident's workload can have without a custom controller; searched when none is given. */
export const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

const VERBS = ['scan', 'incidents', 'history', 'audit', 'policy', 'stats', 'clusters', 'help'] as const;

// As CLUSTER_NAME allows: a cluster name may itself contain "/", a namespace never does.
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

/** `demo` or `<cluster>/demo` (split at the last "/"). */
export function parseScanTarget(arg: string): { namespace: string; cluster?: string } | { problem: string } {
  const slash = arg.lastIndexOf('/');
  const ns = slash < 0 ? arg : arg.slice(slash + 1);
  if (!isNamespaceName(ns)) return { problem: ns === '' ? `${shown(arg)} names no namespace after the cluster: use <cluster>/<namespace>, e.g. prod-eu/demo.` : namespaceProblem(ns) };
  if (slash < 0) return { namespace: ns };
  const cluster = arg.slice(0, slash);
  if (!CLUSTER_NAME.test(cluster)) return { problem: `${shown(cluster)} is not a cluster name: letters, digits and . _ : @ / - (at most 100). Use <cluster>/<namespace>, e.g. prod-eu/demo.` };
  return { namespace: ns, cluster };
}

/** The input as a short quotable excerpt. */
function shown(s: string): string {
  const chars = [...s];
  return chars.length > 40 ? `"${chars.slice(0, 40).join('')}…"` : `"${s}"`;
}

const invalid = (problem: string): SreCommand => ({ type: 'invalid', problem });

export function isNamespaceName(s: string): boolean {
  return s.length <= NAMESPACE_MAX && NAMESPACE.test(s);
}

function namespaceProblem(s: string): string {
  if (s.length > NAMESPACE_MAX) return `${shown(s)} is not a namespace name: at most ${NAMESPACE_MAX} characters.`;
  if (/[A-Z]/.test(s) && isNamespaceName(s.toLowerCase())) return `${shown(s)} is not a namespace name: namespace names are lowercase (try ${shown(s.toLowerCase())}).`;
  return `${shown(s)} is not a namespace name: use lowercase letters, digits and "-".`;
}

function canonicalKind(s: string): string | undefined {
  return KIND_ALIASES[s.toLowerCase()];
}

function isObjectName(s: string): boolean {
  return s.length <= OBJECT_NAME_MAX && OBJECT_NAME.test(s);
}

export function parseWorkload(arg: string): WorkloadQuery | { problem: string } {
  const parts = arg.split('/');
  const usage = 'Use <name>, <namespace>/<name>, <kind>/<name> or <namespace>/<kind>/<name>, e.g. demo/deployment/checkout.';
  if (parts.length > 3 || parts.some((p) => p === '')) return { problem: `${shown(arg)} is not a workload. ${usage}` };
  const name = parts.at(-1)!;
  if (!isObjectName(name)) return { problem: `${shown(name)} is not a workload name: use lowercase letters, digits, "-" and ".". ${usage}` };
  if (parts.length === 1) return { name };
  if (parts.length === 2) {
    const first = parts[0]!;
    const kind = canonicalKind(first);
    if (kind) return { name, kind };
    if (!isNamespaceName(first)) return { problem: `${namespaceProblem(first)} ${usage}` };
    return { name, namespace: first };
  }
  const [namespace, kindText] = parts as [string, string, string];
  if (!isNamespaceName(namespace)) return { problem: `${namespaceProblem(namespace)} ${usage}` };
  const kind = canonicalKind(kindText) ?? (CUSTOM_KIND.test(kindText) ? kindText : undefined);
  if (!kind) return { problem: `${shown(kindText)} is not a workload kind. ${usage}` };
  return { name, namespace, kind };
}

/** Slack sends &, < and > HTML-escaped in command text. */
function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function parseCommand(input: unknown): SreCommand {
  const text = typeof input === 'string' ? unescapeSlack(input) : '';
  if (text.length > MAX_COMMAND_TEXT) return invalid(`That command is too long (${text.length} characters; at most ${MAX_COMMAND_TEXT}).`);
  if (hasControlCharacters(text)) return invalid('That command contains control characters.');
  // \s covers Unicode spaces (NBSP, ideographic space) that phones and pasted text bring.
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { type: 'help' };
  const [verbText, ...args] = words as [string, ...string[]];
  const verb = verbText.toLowerCase();
  if (!(VERBS as readonly string[]).includes(verb)) return invalid(`Unknown subcommand ${shown(verbText)}.`);

  const tooMany = (max: number): SreCommand | undefined =>
    args.length > max ? invalid(`\`${verb}\` takes ${max === 0 ? 'no arguments' : max === 1 ? 'one argument' : `${max} arguments`}; got ${args.length}.`) : undefined;

  switch (verb as (typeof VERBS)[number]) {
    case 'help':
      return { type: 'help' };
    case 'incidents':
      return tooMany(0) ?? { type: 'incidents' };
    case 'stats':
      return tooMany(0) ?? { type: 'stats' };
    case 'clusters':
      return tooMany(0) ?? { type: 'clusters' };
    case 'scan': {
      if (args.length === 0) return invalid('`scan` needs a namespace, e.g. `scan demo` or `scan prod-eu/demo`.');
      const extra = tooMany(1);
      if (extra) return extra;
      const target = parseScanTarget(args[0]!);
      return 'problem' in target ? invalid(target.problem) : { type: 'scan', ...target };
    }
    case 'policy': {
      const extra = tooMany(1);
      if (extra) return extra;
      const ns = args[0];
      if (ns === undefined) return { type: 'policy' };
      return isNamespaceName(ns) ? { type: 'policy', namespace: ns } : invalid(namespaceProblem(ns));
    }
    case 'audit': {
      const extra = tooMany(1);
      if (extra) return extra;
      const n = args[0];
      if (n === undefined) return { type: 'audit', n: AUDIT_DEFAULT_ENTRIES };
      if (n.toLowerCase() === 'checkpoint') return { type: 'audit_checkpoint' };
      const value = /^\d{1,6}$/.test(n) ? Number(n) : NaN;
      if (!Number.isInteger(value) || value < 1 || value > AUDIT_MAX_ENTRIES) {
        return invalid(`\`audit\` takes a number of entries from 1 to ${AUDIT_MAX_ENTRIES}, or \`checkpoint\`; got ${shown(n)}.`);
      }
      return { type: 'audit', n: value };
    }
    case 'history': {
      if (args.length === 0) return invalid('`history` needs a workload, e.g. `history demo/deployment/checkout`.');
      const extra = tooMany(1);
      if (extra) return extra;
      const parsed = parseWorkload(args[0]!);
      return 'problem' in parsed ? invalid(parsed.problem) : { type: 'history', workload: parsed };
    }
  }
}
