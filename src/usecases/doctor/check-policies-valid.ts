// Policies: every file in POLICY_DIR is valid.
import type { PolicySet } from '../../core/policy/schema.ts';
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { invalidVariable, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'policies.valid', area: 'policies', title: 'policy files' } as const;

export async function checkPoliciesValid(ctx: Pick<DoctorContext, 'invalid' | 'policyDir' | 'loadPolicies'>): Promise<{ result: CheckResult; policies?: PolicySet }> {
  const bad = invalidVariable(ctx, 'POLICY_DIR');
  if (bad) return { result: skip(BASE, `${bad} is invalid (see configuration)`) };
  try {
    const policies = await ctx.loadPolicies(ctx.policyDir);
    const names = policies.map((p) => p.metadata.name).join(', ');
    return { result: ok(BASE, `${policies.length} valid polic${policies.length === 1 ? 'y' : 'ies'} in ${ctx.policyDir}: ${names}`), policies };
  } catch (err) {
    const lines = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean);
    const problems = lines.length > 1 ? lines.slice(1) : lines;
    return { result: fail(BASE, problems.join('; '), 'correct the files and fields named (policies/README.md describes each field)') };
  }
}
