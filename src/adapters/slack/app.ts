// The Bolt app: HTTP mode (one signed endpoint, /slack/events, for commands, clicks and events)
// or Socket Mode when an app-level token is given (no public URL needed). Registers the /sre
// command, the Approve/Reject actions and thread questions, and exposes the ChatNotifier and the
// response_url reply used by the scan job.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { AppError } from '../../core/errors.ts';
import type { ChatNotifier, UserDirectory } from '../../ports.ts';
import { registerActions } from './actions.ts';
import { registerAttentionActions } from './attention-actions.ts';
import { boltLogger } from './bolt-logger.ts';
import { createChatNotifier, postToResponseUrl } from './chat-notifier.ts';
import { registerCommands } from './commands.ts';
import { guardRequestBody } from './guard-request-body.ts';
import { errorMessage, type SlackHandlerDeps } from './handler-deps.ts';
import { callSlack, toSlackAppError } from './slack-errors.ts';
import { registerThreadMessages } from './thread-messages.ts';
import { slackUserDirectory } from './user-directory.ts';

export const EVENTS_PATH = '/slack/events';

/** What the listeners need (ports, hooks) plus how to connect; the client and notifier are built here. */
export interface SlackAppDeps extends Omit<SlackHandlerDeps, 'notifier' | 'client'> {
  botToken: string;
  /** Required in HTTP mode (no appToken). */
  signingSecret?: string | undefined;
  /** xapp- token: Socket Mode. */
  appToken?: string | undefined;
  /** Web API base, ending with "/api/" (tests, proxies); Slack's by default. */
  apiUrl?: string | undefined;
  /** HTTP mode listen port; 0 picks a free one (see SlackApp.port). Unused in Socket Mode. */
  port: number;
  /** HTTP mode listen address; all interfaces by default (tests bind loopback). */
  host?: string | undefined;
  /** Called on every HTTP 429 the Web API answers, including those the client waits out and retries. */
  onRateLimited?: (method: string, retryAfterSec: number) => void;
  /** The slash command as installed; "/sre" by default. */
  command?: string;
  /** Bolt/SDK log level; INFO by default. */
  logLevel?: LogLevel;
}

export interface SlackApp {
  app: App;
  notifier: ChatNotifier;
  /** Display names by Slack ID (users.info, cached), for the audit trail and decisions. */
  users: UserDirectory;
  /** Delayed answer to a slash command (the scan job's reply), ephemeral; never throws. */
  reply(responseUrl: string, text: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Readiness: auth.test with the bot token; throws an AppError (slack_error, details.error) when it fails. */
  checkAuth(): Promise<void>;
  /** The bound HTTP port after start() in HTTP mode. */
  readonly port?: number;
}

// Short and explicit: Socket Mode would otherwise make it 100 retries. Clicks and commands are
// acked before any Web API call, so retries never hold up Slack's 3-second deadline.
export const SLACK_RETRY_CONFIG = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000, maxRetryTime: 10_000, randomize: true };

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const logger = deps.logger.child({ component: 'slack' });
  const level = deps.logLevel ?? LogLevel.INFO;
  const bolt = boltLogger(logger, level);
  const clientOptions: webApi.WebClientOptions = {
    ...(deps.apiUrl ? { slackApiUrl: deps.apiUrl } : {}),
    retryConfig: SLACK_RETRY_CONFIG,
    rejectRateLimitedCalls: false,
    timeout: 15_000,
  };
  const socketMode = deps.appToken !== undefined && deps.appToken !== '';
  if (!socketMode && !deps.signingSecret) {
    throw new AppError('config_invalid', 'Slack HTTP mode needs a signing secret (or an app-level token for Socket Mode)');
  }
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: deps.appToken!, logger: bolt, logLevel: level, installerOptions: { clientOptions } })
    : new HTTPReceiver({
        signingSecret: deps.signingSecret!,
        endpoints: EVENTS_PATH,
        port: deps.port,
        logger: bolt,
        logLevel: level,
        // Listeners ack first and do slow work after: never hold the HTTP answer for them.
        processBeforeResponse: false,
        signatureVerification: true,
      });

  if (receiver instanceof HTTPReceiver) guardRequestBody(receiver, logger, [EVENTS_PATH]);

  const app = new App({
    token: deps.botToken,
    receiver,
    clientOptions,
    logger: bolt,
    logLevel: level,
    // auth.test runs in start() (init) where a bad token fails loudly, not in the constructor.
    deferInitialization: true,
  });
  app.error(async (err) => {
    logger.error({ err: errorMessage(err), code: (err as { code?: unknown }).code }, 'unhandled error in a Slack listener');
  });

  // The client waits out a 429 (Retry-After) and retries by itself: a call that then succeeds never
  // reaches callSlack, so each rate limit is logged and reported from the client's own event.
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfterSec: number, req?: { url?: unknown }) => {
    const method = typeof req?.url === 'string' ? (req.url.split('?')[0]?.split('/').pop() ?? 'unknown') : 'unknown';
    logger.warn({ method, retryAfterSec }, `Slack rate limited ${method}: retrying in ${retryAfterSec} s`);
    deps.onRateLimited?.(method, retryAfterSec);
  });

  const notifier = createChatNotifier({ client: app.client, channelId: deps.channelId, logger, ...(deps.onSlackError ? { onSlackError: deps.onSlackError } : {}) });
  const users = slackUserDirectory(app.client, { logger, clock: deps.clock, ...(deps.onSlackError ? { onSlackError: deps.onSlackError } : {}) });
  const handlerDeps = {
    channelId: deps.channelId,
    store: deps.store,
    audit: deps.audit,
    queue: deps.queue,
    policies: deps.policies,
    clock: deps.clock,
    logger,
    notifier,
    client: app.client,
    users,
    ...(deps.stats ? { stats: deps.stats } : {}),
    ...(deps.auditChannelId ? { auditChannelId: deps.auditChannelId } : {}),
    ...(deps.cluster ? { cluster: deps.cluster } : {}),
    ...(deps.self ? { self: deps.self } : {}),
    ...(deps.clusters ? { clusters: deps.clusters } : {}),
    ...(deps.onSlackError ? { onSlackError: deps.onSlackError } : {}),
    ...(deps.onDecision ? { onDecision: deps.onDecision } : {}),
  };
  registerCommands(app, handlerDeps, deps.command);
  registerActions(app, handlerDeps);
  registerAttentionActions(app, handlerDeps);
  registerThreadMessages(app, handlerDeps);

  let port: number | undefined;
  let started = false;

  return {
    app,
    notifier,
    users,
    reply: (responseUrl, text) => postToResponseUrl(responseUrl, text, { responseType: 'ephemeral', logger }),
    get port() {
      return port;
    },
    async start() {
      if (started) return;
      try {
        await app.init();
      } catch (err) {
        const mapped = toSlackAppError('auth.test', err);
        deps.onSlackError?.('auth.test', String(mapped.details?.error ?? 'unknown_error'));
        throw mapped;
      }
      if (socketMode) {
        await app.start();
      } else {
        const server = (await app.start(deps.host ? { port: deps.port, host: deps.host } : deps.port)) as Server;
        port = (server.address() as AddressInfo).port;
      }
      started = true;
      logger.info({ mode: socketMode ? 'socket' : 'http', ...(port !== undefined ? { port } : {}) }, 'Slack app started');
    },
    async checkAuth() {
      await callSlack('auth.test', () => app.client.auth.test(), deps.onSlackError);
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
      port = undefined;
    },
  };
}
