// `kube-ai-sre audit verify | export`: checks the hash chain, or prints it as JSON lines.
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import { isAppError } from '../core/errors.ts';
import { auditExport, auditVerify } from '../usecases/audit-commands.ts';
import { EXIT, exitCodeFor, exitCodeForAuditVerify } from './exit-codes.ts';

export const AUDIT_USAGE = `       kube-ai-sre audit verify      (exit 0 when the chain is intact, 9 when it is broken)
       kube-ai-sre audit export      (every entry as JSON lines, oldest first)`;

export interface AuditCommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  redisUrl: string;
  keyPrefix: string;
}

export async function runAuditCommand(argv: string[], deps: AuditCommandDeps): Promise<number> {
  const [sub, ...extra] = argv;
  if ((sub !== 'verify' && sub !== 'export') || extra.length > 0) {
    deps.stderr(`usage:\n${AUDIT_USAGE}`);
    return EXIT.usage;
  }
  let redis;
  try {
    redis = await connectRedis(deps.redisUrl, 'store');
  } catch (err) {
    deps.stderr(`error: ${(err as Error).message}`);
    return isAppError(err) ? exitCodeFor(err.code) : EXIT.redisUnavailable;
  }
  try {
    const audit = new RedisAuditLog(redis, deps.keyPrefix);
    if (sub === 'verify') {
      const result = await auditVerify(audit);
      (result.outcome === 'intact' ? deps.stdout : deps.stderr)(result.message);
      return exitCodeForAuditVerify(result.outcome);
    }
    await auditExport(audit, (line) => deps.stdout(line.replace(/\n$/, '')));
    return EXIT.ok;
  } finally {
    redis.disconnect();
  }
}
