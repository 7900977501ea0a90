// Every audit entry written through this wrapper names the cluster it is about (when the agent
// knows its name) and its actor the same way every time: the display name the user directory
// gives for the Slack ID, looked up once and cached. A lookup that fails leaves the name out (or
// the one the caller gave, which came from the same directory) rather than a handle on one entry
// and a real name on the next.
import type { AuditEntryInput } from '../core/audit/entry.ts';
import type { AuditLog, UserDirectory } from '../ports.ts';
import { AUDIT_ACTOR_SYSTEM } from './audit-actor.ts';

export interface AuditContext {
  /** The cluster's name (CLUSTER_NAME, or the kubeconfig's cluster). */
  cluster?: string | undefined;
  users?: UserDirectory | undefined;
}

export async function withContext(input: AuditEntryInput, ctx: AuditContext): Promise<AuditEntryInput> {
  let out = input;
  if (ctx.cluster && input.subject && !input.subject.cluster) out = { ...out, subject: { ...input.subject, cluster: ctx.cluster } };
  if (ctx.users && input.actor !== AUDIT_ACTOR_SYSTEM) {
    const name = await ctx.users.displayName(input.actor);
    if (name) out = { ...out, actorName: name.slice(0, 200) };
  }
  return out;
}

/** `ctx` is read at every append, so a directory made later (with the Slack app) can be set on it. */
export function withAuditContext(audit: AuditLog, ctx: AuditContext): AuditLog {
  const wrapped: AuditLog = {
    append: async (input) => audit.append(await withContext(input, ctx)),
    latest: (n) => audit.latest(n),
    verify: (opts) => audit.verify(opts),
    export: () => audit.export(),
  };
  const head = audit.head?.bind(audit);
  return head ? { ...wrapped, head } : wrapped;
}
