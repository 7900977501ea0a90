// Audit entries name a Slack user id or "system"; anything else a payload carries becomes "system"
// (the raw id then goes into the entry's details) so a strange id never loses the entry.
import { AuditActorSchema } from '../core/audit/entry.ts';

export const AUDIT_ACTOR_SYSTEM = 'system';

export function auditActor(userId: string | undefined): string {
  return userId !== undefined && AuditActorSchema.safeParse(userId).success ? userId : AUDIT_ACTOR_SYSTEM;
}
