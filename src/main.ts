// `npm start`: the whole bot from the environment. SIGTERM/SIGINT drain workers and close
// connections. Whatever is missing from the configuration (variables, Kubernetes configuration,
// policies) stops the start, listed in one block with what only limits it; an API server or Redis
// that is down at start is waited for instead.
import { isAppError } from './core/errors.ts';
import { renderStartupReport } from './core/doctor/startup-report.ts';
import { createLogger } from './logging.ts';
import { startAgent } from './app/create-agent.ts';
import { checkStartup } from './app/startup-check.ts';

async function main(): Promise<void> {
  const startup = await checkStartup(process.env);
  if (startup.items.length > 0) process.stderr.write(`${renderStartupReport(startup.items)}\n`);
  const config = startup.config;
  if (!config) process.exit(78);
  const logger = createLogger(config.LOG_LEVEL);
  // A stray rejection in a library callback must not take the bot down; log it and carry on.
  // An uncaught exception may have left state half-changed: log it and exit for a clean restart.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.error({ err: err.message, stack: err.stack }, 'uncaught exception; exiting');
    process.exit(1);
  });
  let agent;
  try {
    agent = await startAgent(config, { logger, ...(startup.kubeConfig ? { kubeConfig: startup.kubeConfig } : {}) });
  } catch (err) {
    logger.error({ code: isAppError(err) ? err.code : undefined, err: (err as Error).message }, 'kube-ai-sre-agent could not start');
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    agent.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
