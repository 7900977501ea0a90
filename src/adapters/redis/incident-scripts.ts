// Lua scripts of the incident store. Each runs atomically inside Redis, which is what makes a
// fingerprint claim and a version-checked write safe across replicas. Keys of other incidents are
// derived from ARGV, so these target a single Redis (not Redis Cluster).
import { luaScript } from './lua.ts';

// Shared tail: index the incident for history (capped, expiring) — KEYS[hist1], KEYS[hist2].
const INDEX_HISTORY = `
local function index_history(key, score, id, cap, ttl)
  redis.call('ZADD', key, score, id)
  redis.call('ZREMRANGEBYRANK', key, 0, -(cap + 1))
  redis.call('EXPIRE', key, ttl)
end
`;

/**
 * KEYS: 1 fingerprint key, 2 new incident key, 3 active index, 4 fingerprint history, 5 workload history,
 *       6 recent index (all incidents), 7 the namespace's active index
 * ARGV: 1 id, 2 json, 3 fingerprint, 4 ttl seconds, 5 score (firstSeen ms), 6 incident key prefix, 7 history cap,
 *       8 recent index cap
 * Returns {created 0|1, id, json, version}, or {-1, id} when the id is taken by another incident.
 */
export const CLAIM = luaScript(`${INDEX_HISTORY}
local existing = redis.call('GET', KEYS[1])
if existing then
  local held = redis.call('HMGET', ARGV[6] .. existing, 'json', 'version')
  if held[1] then
    return {0, existing, held[1], held[2]}
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {-1, ARGV[1]}
end
local ttl = tonumber(ARGV[4])
local cap = tonumber(ARGV[7])
redis.call('HSET', KEYS[2], 'json', ARGV[2], 'version', 1, 'status', 'open', 'fingerprint', ARGV[3])
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[5], ARGV[1])
redis.call('EXPIRE', KEYS[7], ttl)
index_history(KEYS[4], ARGV[5], ARGV[1], cap, ttl)
index_history(KEYS[5], ARGV[5], ARGV[1], cap, ttl)
index_history(KEYS[6], ARGV[5], ARGV[1], tonumber(ARGV[8]), ttl)
return {1, ARGV[1], ARGV[2], '1'}
`);

/**
 * Compare-and-set write of one incident.
 * KEYS: 1 incident key, 2 fingerprint key, 3 active index, 4 fingerprint history, 5 workload history,
 *       6 recent index (all incidents), 7 the namespace's active index
 * ARGV: 1 id, 2 json, 3 new status, 4 expected version or '', 5 expected status or '', 6 fingerprint,
 *       7 ttl seconds, 8 score, 9 history cap, 10 recent index cap
 * Returns {1, newVersion} | {0, currentVersion} (conflict) | {-1} (missing) | {-2} (fingerprint differs).
 */
export const COMMIT = luaScript(`${INDEX_HISTORY}
local cur = redis.call('HMGET', KEYS[1], 'version', 'status', 'fingerprint')
if not cur[1] then return {-1} end
if cur[3] ~= ARGV[6] then return {-2} end
if ARGV[4] ~= '' and cur[1] ~= ARGV[4] then return {0, tonumber(cur[1])} end
if ARGV[5] ~= '' and cur[2] ~= ARGV[5] then return {0, tonumber(cur[1])} end
local ttl = tonumber(ARGV[7])
local version = tonumber(cur[1]) + 1
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', version, 'status', ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
local holder = redis.call('GET', KEYS[2])
if ARGV[3] == 'resolved' then
  -- Resolution frees the fingerprint: the next occurrence becomes a new incident.
  if holder == ARGV[1] then redis.call('DEL', KEYS[2]) end
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[7], ARGV[1])
else
  if holder == ARGV[1] then redis.call('EXPIRE', KEYS[2], ttl) end
  -- Also what puts an incident stored before this index into it, at its next write.
  redis.call('ZADD', KEYS[7], ARGV[8], ARGV[1])
  redis.call('EXPIRE', KEYS[7], ttl)
end
local cap = tonumber(ARGV[9])
index_history(KEYS[4], ARGV[8], ARGV[1], cap, ttl)
index_history(KEYS[5], ARGV[8], ARGV[1], cap, ttl)
index_history(KEYS[6], ARGV[8], ARGV[1], tonumber(ARGV[10]), ttl)
return {1, version}
`);
