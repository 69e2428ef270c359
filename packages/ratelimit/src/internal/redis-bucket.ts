import type { RedisScriptClient, RedisScriptOptions } from "../redis.ts";
import { BucketResult, bucketScript, bucketScriptSha } from "./bucket-script.ts";

/** The shared bucket as one process sees it: calls to Redis, their count, and the server's clock. */
export interface RedisBucket {
  /** Script calls sent (or queued in the client) whose answer has not come back yet. */
  readonly inFlight: number;
  /**
   * Takes a token if there is one. `giveUpAt` is this process's `Date.now()` at which the
   * caller stops waiting: the script, run later than that (after a stall), takes nothing.
   * `signal` aborts the calls still queued in the client, so they are never sent.
   */
  take(giveUpAt: number, signal: AbortSignal): Promise<boolean>;
}

/**
 * The token bucket at `key`, reached through `client`. Deadlines go to Redis in the server's
 * clock: each answer carries the server's time, and `serverAhead` (how far the server's
 * clock is ahead of this process's) is taken from the latest one. It is a lower bound (the
 * answer took some time to arrive), so a deadline is never later than the caller's: a call
 * Redis runs after its caller gave up never takes a token. Until a first answer has come, a
 * call first asks for the time alone (a call with a deadline already passed).
 */
export function redisBucket(client: RedisScriptClient, key: string, rate: number, burst: number): RedisBucket {
  let serverAhead: number | undefined;
  let inFlight = 0;

  const call = async (notAfter: number, signal: AbortSignal): Promise<number> => {
    const args: RedisScriptOptions = { keys: [key], arguments: [String(rate), String(burst), String(notAfter)] };
    inFlight += 1;
    try {
      const [result, serverNow] = parseReply(await runScript(client.withCommandOptions({ abortSignal: signal }), args));
      serverAhead = serverNow - Date.now();
      return result;
    } finally {
      inFlight -= 1;
    }
  };

  return {
    get inFlight() {
      return inFlight;
    },
    async take(giveUpAt, signal) {
      if (serverAhead === undefined) await call(0, signal); // asks the server's time, takes nothing
      const result = await call(giveUpAt + (serverAhead ?? 0), signal);
      if (result === BucketResult.tooLate) throw new Error("Redis ran the call after its deadline");
      return result === BucketResult.taken;
    },
  };
}

/** EVALSHA of the bucket script, or EVAL when Redis does not have it cached (NOSCRIPT). */
async function runScript(client: RedisScriptClient, args: RedisScriptOptions): Promise<unknown> {
  try {
    return await client.evalSha(bucketScriptSha, args);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return client.eval(bucketScript, args);
    throw err;
  }
}

function parseReply(reply: unknown): [result: number, serverNow: number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [result, serverNow] = reply.map(Number);
    if (result !== undefined && serverNow !== undefined && Number.isFinite(result) && Number.isFinite(serverNow)) return [result, serverNow];
  }
  throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
}
