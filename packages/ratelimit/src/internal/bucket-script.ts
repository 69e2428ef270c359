import { createHash } from "node:crypto";

/**
 * The token bucket as one atomic Lua script. State is a hash at KEYS[1] with `tokens` and
 * `ts` (server time in microseconds, from Redis TIME, so the callers' clocks never matter).
 * ARGV: rate (tokens/s), burst, and the server time in milliseconds after which the caller
 * has given up (it was refused already): a call that runs later takes nothing. Returns
 * `{ result, now }`: result 1 when a token was taken, 0 when none was there, -1 when the call
 * ran too late and left the bucket alone; `now` is the server's clock in milliseconds, which
 * the caller needs to write the next deadline in the server's time. The key expires once the
 * bucket would be full again, since a missing key means a full bucket.
 */
export const bucketScript = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local notAfter = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(now / 1000)
if nowMs > notAfter then
  return { -1, nowMs }
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000000)
  ts = now
end
local allowed = 0
if tokens >= 1 - 1e-9 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return { allowed, nowMs }
`;

/** The script's SHA1, for EVALSHA. */
export const bucketScriptSha: string = createHash("sha1").update(bucketScript).digest("hex");

/** What the script answers in `result`. */
export const BucketResult = { taken: 1, empty: 0, tooLate: -1 } as const;
