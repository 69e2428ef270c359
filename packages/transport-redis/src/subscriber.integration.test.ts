// The subscriber and publisher against the real Redis on 127.0.0.1:6379 (REDIS_URL overrides):
// round trips, request/reply, acks, retries, dead letters, reclaiming, close() under load,
// garbage entries, ready. Without the server they fail.
import { background, Code, isKitError, KitError, withTimeout, type KitError as KitErrorType } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type MessageOutcome } from "@kit/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { connect, entries, Keys, redisUrl } from "../test/redis.ts";
import { publisher } from "./publisher.ts";
import { replyStream } from "./reply-stream.ts";
import { subscriber } from "./subscriber.ts";

let redis: Awaited<ReturnType<typeof connect>>;
const keys = new Keys();
const quiet = { handle: (): void => undefined };

beforeAll(async () => {
  redis = await connect();
});

afterAll(async () => {
  await keys.deleteAll(redis);
  redis.destroy();
});

const pending = async (stream: string, group: string): Promise<number> => {
  const summary = await redis.sendCommand<[number, ...unknown[]]>(["XPENDING", stream, group]);
  return summary[0];
};
const none = (): Promise<undefined> => Promise.resolve(undefined);

describe("round trip", () => {
  it("handles what a publisher adds, once, and acknowledges it", async () => {
    const stream = keys.name("round");
    const seen: { n: number }[] = [];
    const sub = subscriber(redis, stream, (_ctx, req: { n: number }) => (seen.push(req), none()), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
      group: "g",
      createGroup: true,
      errorHandler: quiet,
    });
    await sub.ready;
    const send = publisher(redis, stream, encodeJSONMessage, undefined);
    for (let n = 0; n < 5; n++) await send(background(), { n });
    await until("5 handled", () => seen.length === 5);
    await sub.close();
    expect(seen.map((r) => r.n)).toEqual([0, 1, 2, 3, 4]);
    expect(await pending(stream, "g")).toBe(0);
  });

  it("answers a request on the reply stream, with errors as KitErrors", async () => {
    const stream = keys.name("sum");
    const replies = replyStream(redis, `${stream}:replies:${String(process.pid)}`);
    keys.track(replies.stream);
    const sub = subscriber(
      redis,
      stream,
      (_ctx, { a, b }: { a: number; b: number }) =>
        a < 0 ? Promise.reject(new KitError(Code.InvalidArgument, "a must not be negative")) : Promise.resolve({ v: a + b }),
      decodeJSONMessage<{ a: number; b: number }>(),
      encodeJSONMessage,
      { group: "g", createGroup: true, errorHandler: quiet },
    );
    await sub.ready;
    const sum = publisher(redis, stream, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { replies });
    const [ctx, cancel] = withTimeout(background(), 10_000);
    await expect(sum(ctx, { a: 1, b: 2 })).resolves.toEqual({ v: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sum(ctx, { a: i, b: 1 })));
    expect(results.map((r) => r.v)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const failed = await sum(ctx, { a: -1, b: 0 }).catch((err: unknown) => err);
    expect(isKitError(failed) && { code: failed.code, message: failed.message }).toEqual({ code: Code.InvalidArgument, message: "a must not be negative" });
    cancel();
    await replies.close();
    await expect(sum(background(), { a: 1, b: 1 })).rejects.toMatchObject({ code: Code.Canceled });
    expect(await redis.exists(replies.stream)).toBe(0);
    await sub.close();
  });

  it("bounds a request without a deadline by the publisher's timeout", async () => {
    const stream = keys.name("silent");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const replies = replyStream(redis, `${stream}:replies:1`);
    keys.track(replies.stream);
    const call = publisher(redis, stream, encodeJSONMessage, decodeJSONMessage(), { replies, timeout: 300 });
    const started = Date.now();
    await expect(call(background(), {})).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(10_000); // the 300 ms bound, not the 30 s default
    await replies.close();
  });
});

describe("ready", () => {
  it("rejects with not_found when the stream or the group is missing and not to be created", async () => {
    const stream = keys.name("missing");
    const errors: KitErrorType[] = [];
    const sub = subscriber(redis, stream, none, decodeJSONMessage(), encodeJSONMessage, {
      group: "g",
      errorHandler: { handle: (_ctx, err) => void errors.push(err) },
    });
    await expect(sub.ready).rejects.toMatchObject({ code: Code.NotFound });
    await sub.close();
    await redis.sendCommand(["XGROUP", "CREATE", stream, "other", "$", "MKSTREAM"]);
    const second = subscriber(redis, stream, none, decodeJSONMessage(), encodeJSONMessage, { group: "g", errorHandler: quiet });
    await expect(second.ready).rejects.toThrow(/has no consumer group g/);
    await second.close();
    expect(errors.map((e) => e.code)).toEqual([Code.NotFound]);
  });

  it("keeps no connection of its own when closed before it started, or after", async () => {
    const name = `kit-test-${String(process.pid)}-${String(Date.now())}`;
    const named = createClient({ url: redisUrl, name });
    named.on("error", () => undefined);
    await named.connect();
    const connections = async (): Promise<number> => (await redis.sendCommand<string>(["CLIENT", "LIST"])).split("\n").filter((line) => line.includes(` name=${name} `)).length;
    try {
      for (let i = 0; i < 5; i++) {
        const sub = subscriber(named, keys.name("early"), none, decodeJSONMessage(), encodeJSONMessage, { group: "g", createGroup: true, errorHandler: quiet });
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, i * 3)); // close at different points of the start
        await sub.close();
        await sub.ready.catch(() => undefined);
      }
      const started = subscriber(named, keys.name("started"), none, decodeJSONMessage(), encodeJSONMessage, { group: "g", createGroup: true, errorHandler: quiet });
      await started.ready;
      expect(await connections()).toBe(2); // the client's, and the subscriber's blocking one
      await started.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await connections()).toBe(1); // the client's own
    } finally {
      named.destroy();
    }
  });

  it("rejects with unavailable at once on a client that is not connected", async () => {
    const closed = await connect();
    closed.destroy();
    const sub = subscriber(closed, keys.name("offline"), none, decodeJSONMessage(), encodeJSONMessage, { group: "g", createGroup: true, errorHandler: quiet });
    await expect(sub.ready).rejects.toMatchObject({ code: Code.Unavailable });
    await sub.close();
  });

  it("rejects with failed_precondition when the key is not a stream", async () => {
    const stream = keys.name("string");
    await redis.set(stream, "x");
    const sub = subscriber(redis, stream, none, decodeJSONMessage(), encodeJSONMessage, { group: "g", createGroup: true, errorHandler: quiet });
    await expect(sub.ready).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await sub.close();
  });
});

describe("failures", () => {
  it("dead-letters a poison message once, with kit-error fields, and acknowledges it", async () => {
    const stream = keys.name("poison");
    let calls = 0;
    const outcomes: MessageOutcome[] = [];
    const sub = subscriber(
      redis,
      stream,
      () => {
        calls++;
        return Promise.reject(new KitError(Code.InvalidArgument, "bad order"));
      },
      decodeJSONMessage(),
      encodeJSONMessage,
      { group: "g", createGroup: true, errorHandler: quiet, finalizer: [(_ctx, o) => void outcomes.push(o)] },
    );
    await sub.ready;
    await publisher(redis, stream, encodeJSONMessage, undefined)(background(), { id: 7 });
    await until("the poison settled", () => outcomes.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sub.close();
    expect(calls).toBe(1);
    const dead = await entries(redis, `${stream}:dead-letter`);
    expect(dead).toHaveLength(1);
    expect(Object.fromEntries(dead[0] ?? [])).toMatchObject({ body: '{"id":7}', "kit-error-code": "invalid_argument", "kit-error-message": "bad order", "kit-attempts": "1" });
    expect(await pending(stream, "g")).toBe(0);
  });

  it("retries a retryable failure after the backoff, counting attempts from the delivery count, then dead-letters it", async () => {
    const stream = keys.name("retry");
    const attempts: number[] = [];
    const outcomes: MessageOutcome[] = [];
    const sub = subscriber(
      redis,
      stream,
      () => Promise.reject(new KitError(Code.Unavailable, "downstream away")),
      decodeJSONMessage(),
      encodeJSONMessage,
      {
        group: "g",
        createGroup: true,
        maxAttempts: 3,
        backoff: () => 200,
        errorHandler: quiet,
        before: [(ctx, m) => (attempts.push(m.attempt), ctx)],
        finalizer: [(_ctx, o) => void outcomes.push(o)],
      },
    );
    await sub.ready;
    await publisher(redis, stream, encodeJSONMessage, undefined)(background(), { id: 1 });
    await until("dead-lettered after 3 attempts", () => outcomes.some((o) => o.decision === "dead-lettered"), { timeout: 15_000 });
    await sub.close();
    expect(attempts).toEqual([1, 2, 3]);
    expect(outcomes.map((o) => o.decision)).toEqual(["retried", "retried", "dead-lettered"]);
    expect((await entries(redis, `${stream}:dead-letter`)).map((e) => e.get("kit-attempts"))).toEqual(["3"]);
  });

  it("dead-letters garbage entries once: no body field, a malformed kit-timeout, a foreign reply stream", async () => {
    const stream = keys.name("garbage");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const handled: unknown[] = [];
    const outcomes: MessageOutcome[] = [];
    const sub = subscriber(redis, stream, (_ctx, req) => (handled.push(req), none()), decodeJSONMessage(), encodeJSONMessage, {
      group: "g",
      errorHandler: quiet,
      finalizer: [(_ctx, o) => void outcomes.push(o)],
    });
    await sub.ready;
    await redis.sendCommand(["XADD", stream, "*", "payload", "x"]);
    await redis.sendCommand(["XADD", stream, "*", "body", "{}", "kit-timeout", "soon"]);
    await redis.sendCommand(["XADD", stream, "*", "body", "not json"]);
    await redis.sendCommand(["XADD", stream, "*", "body", "{}", "kit-reply-to", "elsewhere", "kit-correlation-id", "c1"]);
    await redis.sendCommand(["XADD", stream, "*", "BODY", Buffer.from([0xff, 0xfe]), "Kit-Trace", "t"]);
    await until("5 settled", () => outcomes.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sub.close();
    expect(handled).toEqual([]);
    const dead = await entries(redis, `${stream}:dead-letter`);
    expect(dead.map((e) => e.get("kit-error-code"))).toEqual(["invalid_argument", "invalid_argument", "invalid_argument", "permission_denied", "invalid_argument"]);
    expect(dead[0]?.get("payload")).toBe("x");
    expect(dead[4]?.get("kit-trace")).toBe("t");
    expect(await redis.exists("elsewhere")).toBe(0);
    expect(await pending(stream, "g")).toBe(0);
  });
});
