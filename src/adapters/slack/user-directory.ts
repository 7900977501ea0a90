// Display names of Slack users, by ID, from users.info: one name per person (the profile's display
// name, else the real name, else the handle), looked up once and kept, so the audit trail and the
// incident messages name someone the same way on every click. Never throws: a failed lookup
// answers undefined and is tried again after a short while.
import type { webApi } from '@slack/bolt';
import type { Clock, Logger, UserDirectory } from '../../ports.ts';
import { systemClock } from '../../ports.ts';
import { callSlack, type SlackErrorHook } from './slack-errors.ts';

export interface SlackUserShape {
  name?: string | undefined;
  real_name?: string | undefined;
  profile?: { display_name?: string | undefined; real_name?: string | undefined } | undefined;
}

/** The one name shown for a user: display name, else real name, else handle. */
export function displayNameOf(user: SlackUserShape | undefined): string | undefined {
  const pick = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name]
    .map((n) => (typeof n === 'string' ? n.replace(/\s+/g, ' ').trim() : ''))
    .find((n) => n !== '');
  return pick?.slice(0, 200);
}

export interface UserDirectoryOptions {
  /** users.info for one ID. */
  lookup: (userId: string) => Promise<SlackUserShape | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** How long a name is kept; names change rarely. Default 24 h. */
  ttlMs?: number;
  /** How long a failed lookup is remembered before it is tried again. Default 5 min. */
  failureTtlMs?: number;
  /** A caller waits at most this long; the lookup still completes and fills the cache. Default 3 s. */
  timeoutMs?: number;
}

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

export function createUserDirectory(opts: UserDirectoryOptions): UserDirectory & { readonly lookups: number } {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.ttlMs ?? 86_400_000;
  const failureTtl = opts.failureTtlMs ?? 300_000;
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const cache = new Map<string, { name: string | undefined; until: number }>();
  const inFlight = new Map<string, Promise<string | undefined>>();
  let lookups = 0;

  const fetchName = (userId: string): Promise<string | undefined> => {
    const running = inFlight.get(userId);
    if (running) return running;
    lookups++;
    const p = opts.lookup(userId).then(
      (user) => {
        const name = displayNameOf(user);
        cache.set(userId, { name, until: clock.now().getTime() + (name ? ttl : failureTtl) });
        return name;
      },
      (err: unknown) => {
        opts.logger?.warn({ userId, err: err instanceof Error ? err.message : String(err) }, 'could not look up a Slack user name');
        cache.set(userId, { name: undefined, until: clock.now().getTime() + failureTtl });
        return undefined;
      },
    ).finally(() => inFlight.delete(userId));
    inFlight.set(userId, p);
    return p;
  };

  return {
    get lookups() {
      return lookups;
    },
    async displayName(userId: string): Promise<string | undefined> {
      if (!USER_ID.test(userId)) return undefined;
      const hit = cache.get(userId);
      if (hit && hit.until > clock.now().getTime()) return hit.name;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
        timer.unref?.();
      });
      try {
        return await Promise.race([fetchName(userId), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The directory over the Bolt app's Web API client. */
export function slackUserDirectory(client: webApi.WebClient, o: { logger?: Logger; clock?: Clock; onSlackError?: SlackErrorHook } = {}): UserDirectory {
  return createUserDirectory({
    lookup: async (user) => (await callSlack('users.info', () => client.users.info({ user }), o.onSlackError)).user,
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
  });
}
