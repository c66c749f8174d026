import { createHash } from 'node:crypto';

/**
 * One token bucket, refilled and spent atomically inside Redis. The time comes from the Redis
 * server (TIME), so API replicas with skewed clocks still share one consistent bucket.
 *
 * KEYS[1] the bucket (a hash: tokens, ts in ms)
 * ARGV    ratePerSecond, burst, cost
 * Returns { allowed (1|0), tokens left (string: Lua numbers become integers on the way out),
 *           resetMs, retryAfterMs }
 *
 * A full bucket and a missing key mean the same thing, so the key expires once the bucket would
 * have refilled: idle keys cost no memory, and no separate TTL setting can disagree with the rate.
 */
export const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)

local allowed = 0
local retry_after = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry_after = math.max(1, math.ceil((cost - tokens) * 1000 / rate))
end

local reset = math.ceil((burst - tokens) * 1000 / rate)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], reset + 1000)
return { allowed, string.format('%.17g', tokens), reset, retry_after }
`;

export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');
