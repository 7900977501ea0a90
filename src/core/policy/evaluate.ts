// The policy gate: a verdict with a reason for every check. It works only from the deterministic
// recommendation; the model's own suggestion and confidence are reported beside it and can never
// loosen or tighten what may be approved (decisions documented in policies/README.md).
import { IncidentFamilySchema, type Detection, type Diagnosis, type IncidentKind, type Recommendation, type Verdict } from '../model.ts';
import { describeBytes, formatBytes, toBytes } from '../quantity.ts';
import { describeMillicores, formatMillicores, toMillicores } from '../cpu-quantity.ts';
import { recommendedResource } from '../recommend/approved.ts';
import type { Policy, PolicySet } from './schema.ts';
import { hasResourceDecision, incidentFamily } from '../detection/family.ts';

export interface EffectivePolicy {
  namespace: string;
  /** The most specific policy covering the namespace, if any. */
  policy: Policy | undefined;
  /** The `spec.namespaces` entry that matched. */
  matchedPattern: string | undefined;
  /** True when any policy lists the namespace as protected. */
  protected: boolean;
  /** Names of the policies that protect it. */
  protectedBy: string[];
  /** Human lines for `/sre policy <ns>`. */
  lines: string[];
}

export function effectivePolicy(policies: PolicySet, namespace: string): EffectivePolicy {
  const match = bestMatch(policies, namespace);
  const protectedBy = policies.filter((p) => p.spec.protectedNamespaces.includes(namespace)).map((p) => p.metadata.name);
  const lines: string[] = [];
  if (match === undefined) {
    lines.push(`no policy covers namespace ${namespace}: incidents there cannot be approved`);
  } else {
    const s = match.policy.spec;
    lines.push(`policy ${match.policy.metadata.name} applies (matched ${JSON.stringify(match.pattern)})`);
    lines.push(`max memory limit ${s.maxMemoryLimit}, max CPU limit ${s.maxCpuLimit}, max increase ×${s.maxIncreaseFactor}`);
    lines.push(`min confidence ${s.minConfidence}`);
    lines.push(s.approvers.length > 0 ? `approvers: ${s.approvers.join(', ')}` : 'approvers: none listed, nobody can approve');
    if (s.thresholds) {
      const t = s.thresholds;
      const parts = [
        t.crashLoopRestarts !== undefined ? `crash loop after ${t.crashLoopRestarts} restarts` : undefined,
        t.cpuThrottlingPercent !== undefined ? (t.cpuThrottlingPercent === 0 ? 'CPU throttling not detected' : `CPU throttling at ${t.cpuThrottlingPercent}%`) : undefined,
        t.cpuThrottlingMinutes !== undefined ? `sustained ${t.cpuThrottlingMinutes} min` : undefined,
      ].filter((p): p is string => p !== undefined);
      if (parts.length > 0) lines.push(`thresholds: ${parts.join(', ')}`);
    }
    if (s.families) {
      const off = IncidentFamilySchema.options.filter((f) => !s.families!.includes(f));
      if (off.length > 0) lines.push(`families reported: ${s.families.join(', ')} (not: ${off.join(', ')})`);
    }
  }
  if (protectedBy.length > 0) lines.push(`namespace ${namespace} is protected (by ${protectedBy.join(', ')}): never approvable`);
  lines.push('auto-remediation: off, a human applies every change');
  return {
    namespace,
    policy: match?.policy,
    matchedPattern: match?.pattern,
    protected: protectedBy.length > 0,
    protectedBy,
    lines,
  };
}

/**
 * Whether incidents of this kind are reported in `namespace`: the most specific policy's
 * `families` decide. A namespace no policy covers reports everything (and approves nothing).
 */
export function familyReported(policies: PolicySet, namespace: string, kind: IncidentKind): boolean {
  const policy = bestMatch(policies, namespace)?.policy;
  return policy?.spec.families === undefined || policy.spec.families.includes(incidentFamily(kind));
}

export interface DetectionThresholds {
  crashLoopRestarts: number;
  cpuThrottlingPercent: number;
  cpuThrottlingMinutes: number;
}

/**
 * The thresholds in force in `namespace`: the most specific policy's `thresholds`, each one it
 * leaves out taken from `defaults` (the agent's settings). Memory rules have no thresholds here.
 */
export function detectionThresholds(policies: PolicySet, namespace: string, defaults: DetectionThresholds): DetectionThresholds {
  const t = bestMatch(policies, namespace)?.policy.spec.thresholds;
  return {
    crashLoopRestarts: t?.crashLoopRestarts ?? defaults.crashLoopRestarts,
    cpuThrottlingPercent: t?.cpuThrottlingPercent ?? defaults.cpuThrottlingPercent,
    cpuThrottlingMinutes: t?.cpuThrottlingMinutes ?? defaults.cpuThrottlingMinutes,
  };
}

export interface PolicyInput {
  detection: Detection;
  recommendation: Recommendation;
  diagnosis: Diagnosis;
}

export function evaluatePolicy(policies: PolicySet, input: PolicyInput): Verdict {
  const { detection, recommendation, diagnosis } = input;
  const eff = effectivePolicy(policies, detection.namespace);
  const reasons: string[] = [];
  let allowed = true;
  const deny = (reason: string): void => {
    allowed = false;
    reasons.push(reason);
  };

  if (eff.policy === undefined) {
    deny(`no policy covers namespace ${detection.namespace}: denied`);
    return { allowed, policyName: 'none', reasons, clamped: false, approvers: [], autoRemediation: false };
  }
  const policy = eff.policy;
  const spec = policy.spec;
  reasons.push(`policy ${policy.metadata.name} applies to namespace ${detection.namespace} (matched ${JSON.stringify(eff.matchedPattern)})`);

  if (eff.protected) deny(`namespace ${detection.namespace} is protected (by ${eff.protectedBy.join(', ')}): denied`);
  else reasons.push(`namespace ${detection.namespace} is not protected`);

  if (!hasResourceDecision(detection.kind)) {
    // Nothing to approve: the fix is in the app, its image or its config, not in its resources.
    deny(`a ${incidentFamily(detection.kind)} incident carries no resource change to approve: fix the cause shown`);
    reasons.push('auto-remediation off: the bot only explains');
    return { allowed, policyName: policy.metadata.name, reasons, clamped: false, approvers: [...spec.approvers], autoRemediation: false };
  }

  const cpu = recommendedResource(recommendation) === 'cpu';
  const limit = clampLimit(spec, detection, recommendation, reasons, cpu ? cpuScale(spec, detection) : memoryScale(spec, detection));
  if (limit.denial !== undefined) deny(limit.denial);

  // The model is asked for a memory figure; beside a CPU change it is not comparable.
  if (!cpu) reasons.push(...suggestionReasons(diagnosis, recommendation, spec.maxMemoryLimit, detection));
  reasons.push(confidenceReason(diagnosis, spec.minConfidence));
  reasons.push(spec.approvers.length > 0 ? `approvers: ${spec.approvers.join(', ')}` : 'no approvers listed: nobody can approve');
  reasons.push('auto-remediation off: approving records a decision, a human applies the change');

  return {
    allowed,
    policyName: policy.metadata.name,
    reasons,
    ...(limit.value !== undefined ? { recommendedLimit: limit.value } : {}),
    clamped: limit.clamped,
    approvers: [...spec.approvers],
    autoRemediation: false,
  };
}

interface LimitOutcome {
  value: string | undefined;
  clamped: boolean;
  denial?: string;
}

// Incidents that say a container needs more memory than it has: the kernel killed it (or one of
// its processes at its limit), the kubelet evicted it, or its usage is heading for the limit.
// Lowering (or keeping) the limit of such a container brings the next kill sooner, so only a real
// increase is ever approvable.
// A runtime heap OOM is not one of them: its fix may keep the limit and raise the heap inside it.
// A container throttled by its CPU limit is the same for CPU: a lower limit throttles it harder.
const MUST_RAISE: ReadonlySet<IncidentKind> = new Set(['OOMKilled', 'OOMCrashLoop', 'EvictedMemory', 'MemoryLeakForecast', 'ProcessOOM', 'CpuThrottling']);

export function mustRaiseLimit(kind: IncidentKind): boolean {
  return MUST_RAISE.has(kind);
}

// How one resource's limit is read, written and named in the reasons: memory in bytes, CPU in
// millicores. The checks themselves are the same for both (clampLimit).
interface LimitScale {
  parse(quantity: string): number | undefined;
  /** A quantity at or below `units`, on the resource's rounding steps. */
  formatDown(units: number): string;
  describe(units: number): string;
  /** "limit" / "CPU limit", as the reasons name it. */
  noun: string;
  /** Before the recommended quantity: "" / "CPU limit ". */
  label: string;
  increase: string;
  noCurrent: string;
  max: string;
  current: string | undefined;
  needsMore: string;
}

function memoryScale(spec: Policy['spec'], d: Detection): LimitScale {
  return {
    parse: toBytes, formatDown: (n) => formatBytes(n, 'down'), describe: describeBytes,
    noun: 'limit', label: '', increase: 'increase', noCurrent: 'no current memory limit',
    max: spec.maxMemoryLimit, current: d.memoryLimit,
    needsMore: `a container that ${SHORT_OF_MEMORY[d.kind] ?? 'ran short of memory'} needs more memory, not less`,
  };
}

function cpuScale(spec: Policy['spec'], d: Detection): LimitScale {
  return {
    parse: toMillicores, formatDown: (n) => formatMillicores(n, 'down'), describe: describeMillicores,
    noun: 'CPU limit', label: 'CPU limit ', increase: 'CPU increase', noCurrent: 'no current CPU limit in the pod spec',
    max: spec.maxCpuLimit, current: d.cpuLimit,
    needsMore: 'a throttled container needs more CPU, not less',
  };
}

// Applies the max limit and the max increase factor (both only ever lower the recommendation),
// then refuses anything that would not raise the limit of a container short of memory or CPU.
function clampLimit(spec: Policy['spec'], d: Detection, rec: Recommendation, reasons: string[], scale: LimitScale): LimitOutcome {
  const recUnits = rec.rule === 'none' ? undefined : scale.parse(rec.limit);
  if (recUnits === undefined || recUnits <= 0) {
    return { value: undefined, clamped: false, denial: `no recommended ${scale.noun} (${rec.basis}): nothing to approve` };
  }
  let value = rec.limit;
  let units = recUnits;
  let clamped = false;

  const maxUnits = scale.parse(scale.max) ?? 0;
  if (units > maxUnits) {
    reasons.push(`recommended ${scale.label}${rec.limit} is above max ${scale.max}: clamped to ${scale.max}`);
    value = scale.max;
    units = maxUnits;
    clamped = true;
  } else {
    reasons.push(`recommended ${scale.label}${rec.limit} is within max ${scale.max}`);
  }

  const current = scale.current === undefined ? undefined : scale.parse(scale.current);
  if (current === undefined || current <= 0) {
    reasons.push(`${scale.noCurrent}: increase factor not checked`);
    return { value, clamped };
  }
  const notRaised = mustRaiseLimit(d.kind) && units <= current;
  if (notRaised && !clamped) {
    const what = units < current ? `is below the current ${scale.noun} ${scale.current}` : `does not raise the current ${scale.noun} ${scale.current}`;
    return { value, clamped, denial: `recommended ${value} ${what} (${scale.describe(current)}): ${scale.needsMore}; denied` };
  }
  const factor = units / current;
  const ceiling = current * spec.maxIncreaseFactor;
  if (units > ceiling) {
    const capped = scale.formatDown(ceiling);
    reasons.push(`${scale.increase} ×${fmt(factor)} (${scale.current} → ${value}) is above max ×${spec.maxIncreaseFactor}: clamped to ${capped}`);
    value = capped;
    units = scale.parse(capped) ?? 0;
    clamped = true;
  } else if (!notRaised) {
    reasons.push(`${scale.increase} ×${fmt(factor)} (${scale.current} → ${value}) is within max ×${spec.maxIncreaseFactor}`);
  }

  if (clamped && units <= current) {
    return { value, clamped, denial: `policy leaves no room above the current ${scale.noun} ${scale.current} (${scale.describe(current)}): denied` };
  }
  return { value, clamped };
}

const SHORT_OF_MEMORY: Partial<Record<IncidentKind, string>> = {
  OOMKilled: 'was OOM-killed',
  OOMCrashLoop: 'keeps being OOM-killed',
  EvictedMemory: 'was evicted for memory',
  MemoryLeakForecast: 'is leaking towards its limit',
};

function suggestionReasons(diagnosis: Diagnosis, rec: Recommendation, max: string, d: Detection): string[] {
  const s = diagnosis.suggestedLimit;
  if (s === undefined) return [];
  const bytes = toBytes(s);
  if (bytes === undefined) return [`model suggestion ${JSON.stringify(s)} is not a memory quantity: ignored`];
  const maxBytes = toBytes(max) ?? 0;
  const current = d.memoryLimit === undefined ? undefined : toBytes(d.memoryLimit);
  const over = bytes > maxBytes ? `, above max ${max}` : '';
  const under =
    mustRaiseLimit(d.kind) && current !== undefined && bytes < current
      ? `, below the current limit ${d.memoryLimit}: a decrease would bring the next kill sooner`
      : '';
  const deterministic = rec.rule === 'none' ? 'no deterministic recommendation' : `deterministic ${rec.limit}`;
  return [`model suggested ${s} (${deterministic}${over}${under}): shown only, never applied`];
}

function confidenceReason(diagnosis: Diagnosis, min: number): string {
  const who = diagnosis.source === 'llm' ? 'model' : 'rule-based';
  const c = fmt(diagnosis.confidence);
  if (diagnosis.confidence < min) {
    return `${who} confidence ${c} is below ${fmt(min)}: read the evidence carefully before deciding`;
  }
  return `${who} confidence ${c} meets minimum ${fmt(min)}`;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

interface Match {
  policy: Policy;
  pattern: string;
  score: [number, number];
}

// Most specific wins: an exact name beats any pattern; among patterns, more literal characters
// win ("prod-*" beats "*"); remaining ties go to the alphabetically first policy name.
function bestMatch(policies: PolicySet, namespace: string): Match | undefined {
  let best: Match | undefined;
  for (const policy of policies) {
    for (const pattern of policy.spec.namespaces) {
      if (!globMatch(pattern, namespace)) continue;
      const score: [number, number] = pattern.includes('*') ? [0, pattern.replaceAll('*', '').length] : [1, pattern.length];
      if (best === undefined || better(score, policy, best)) best = { policy, pattern, score };
    }
  }
  return best;
}

function better(score: [number, number], policy: Policy, than: Match): boolean {
  if (score[0] !== than.score[0]) return score[0] > than.score[0];
  if (score[1] !== than.score[1]) return score[1] > than.score[1];
  return policy.metadata.name < than.policy.metadata.name;
}

export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return re.test(name);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
