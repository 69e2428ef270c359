// Core NATS request/reply against the real server (NATS_URL, default nats://127.0.0.1:4222).
// Core NATS is at most once: no acks, no redelivery. What these tests prove is what holds for
// it; the JetStream tests prove redelivery and acknowledgement.
import { background, Code, isKitError, KitError, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, exponentialBackoff, type ErrorHandler } from "@kit/transport";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, gate, inBatches, sleep, unique } from "../test/support.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";

interface Sum {
  readonly a: number;
  readonly b: number;
}

const sum: Endpoint<Sum, { v: number }> = async (_ctx, { a, b }) => {
  await Promise.resolve();
  return { v: a + b };
};

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: KitError }> {
  try {
    return { value: await promise };
  } catch (err) {
    if (!isKitError(err)) throw err;
    return { error: err };
  }
}

function timed(ms: number): Context {
  const [ctx] = withTimeout(background(), ms);
  return ctx;
}

describe("core NATS subscriber and publisher", () => {
  let nc: NatsConnection;
  let subject: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    nc = await connectNats();
    subject = unique("kit.test");
  });

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await nc.close();
  });

  it("answers a request with the endpoint's response", async () => {
    const sub = subscriber(nc, subject, sum, decodeJSONMessage<Sum>(), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(client(timed(5_000), { a: 2, b: 3 })).resolves.toEqual({ v: 5 });
  });

  it("carries an error code across: not_found there is not_found here, with its message", async () => {
    const find: Endpoint<unknown, never> = () => Promise.reject(new KitError(Code.NotFound, "no order 7"));
    const sub = subscriber(nc, subject, find, decodeJSONMessage(), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const { error } = await settle(client(timed(5_000), { id: 7 }));
    expect(error?.code).toBe("not_found");
    expect(error?.message).toBe("no order 7");
  });

  it("gives the server the caller's deadline, and a late reply is deadline_exceeded on the caller", async () => {
    const seen: (number | undefined)[] = [];
    const aborted: unknown[] = [];
    const slow: Endpoint<unknown, string> = async (ctx) => {
      seen.push(ctx.deadline);
      await sleep(3_000); // ignores its context: the reply comes too late
      aborted.push(ctx.signal.reason);
      return "late";
    };
    const sub = subscriber(nc, subject, slow, decodeJSONMessage(), encodeJSONMessage, { maxAttempts: 1 });
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const ctx = timed(500);
    const started = Date.now();
    const { error } = await settle(client(ctx, {}));
    expect(error?.code).toBe("deadline_exceeded");
    expect(Date.now() - started).toBeLessThan(2_500); // not the endpoint's 3 s
    await until("the endpoint to finish", () => aborted.length === 1, { timeout: 15_000 });
    expect(seen[0]).toBeDefined();
    expect(Math.abs((seen[0] ?? 0) - (ctx.deadline ?? 0))).toBeLessThan(400);
    expect(isKitError(aborted[0]) && aborted[0].code).toBe("deadline_exceeded");
  });

  it("runs the hooks on both sides, and a call without a deadline sends none (the publisher's timeout stays on its side)", async () => {
    const seen: { header: unknown; deadline: number | undefined }[] = [];
    const sub = subscriber(nc, subject, (ctx, req: Sum) => {
      seen.push({ header: undefined, deadline: ctx.deadline });
      return sum(ctx, req);
    }, decodeJSONMessage<Sum>(), encodeJSONMessage, {
      before: [
        (ctx, message) => {
          seen.push({ header: message.headers.get("x-request-id"), deadline: undefined });
          return ctx;
        },
      ],
      after: [
        (ctx, reply) => {
          reply.headers.set("x-served-by", "test");
          return ctx;
        },
      ],
    });
    cleanup.push(() => sub.close());
    const replies: unknown[] = [];
    const outcomes: (KitError | undefined)[] = [];
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), {
      timeout: 2_000,
      before: [
        (ctx, message) => {
          message.headers.set("x-request-id", "r-1");
          return ctx;
        },
      ],
      after: [
        (ctx, reply) => {
          replies.push(reply.headers.get("x-served-by"));
          return ctx;
        },
      ],
      finalizer: [
        (_ctx, outcome) => {
          outcomes.push(outcome.error);
        },
      ],
    });
    await expect(client(background(), { a: 1, b: 1 })).resolves.toEqual({ v: 2 });
    expect(seen[0]?.header).toBe("r-1");
    expect(seen[1]?.deadline).toBeUndefined();
    expect(replies).toEqual(["test"]);
    expect(outcomes).toEqual([undefined]);
  });

  it("publishes fire and forget: resolves once the server has the message, which the subscriber handles", async () => {
    const handled: number[] = [];
    const sub = subscriber(nc, subject, (_ctx, { id }: { id: number }) => {
      handled.push(id);
      return Promise.resolve();
    }, decodeJSONMessage<{ id: number }>(), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const send = publisher(nc, subject, encodeJSONMessage, undefined);
    await send(timed(5_000), { id: 1 });
    await send(timed(5_000), { id: 2 });
    await until("both messages", () => handled.length === 2, { timeout: 15_000 });
    expect(handled).toEqual([1, 2]);
  });

  it("is unavailable when no one serves the subject", async () => {
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const { error } = await settle(client(timed(5_000), {}));
    expect(error?.code).toBe("unavailable");
  });

  it("is canceled with the caller's context", async () => {
    const hang = gate();
    const sub = subscriber(nc, subject, () => hang.promise, decodeJSONMessage(), encodeJSONMessage);
    cleanup.push(async () => {
      hang.open();
      await sub.close();
    });
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 10_000);
    setTimeout(cancel, 100);
    const { error } = await settle(client(ctx, {}));
    expect(error?.code).toBe("canceled");
  });

  it("handles 10,000 requests with concurrency 16, each once, and answers each", async () => {
    let running = 0;
    let peak = 0;
    const handled = new Map<number, number>();
    const work: Endpoint<{ id: number }, { id: number }> = async (_ctx, { id }) => {
      running += 1;
      peak = Math.max(peak, running);
      handled.set(id, (handled.get(id) ?? 0) + 1);
      await sleep(0);
      running -= 1;
      return { id };
    };
    const sub = subscriber(nc, subject, work, decodeJSONMessage<{ id: number }>(), encodeJSONMessage, { concurrency: 16 });
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ id: number }>());
    const replies = await inBatches(10_000, 64, (id) => client(timed(30_000), { id }));
    expect(replies.every((reply, id) => reply.id === id)).toBe(true);
    expect(handled.size).toBe(10_000);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(peak).toBe(16);
  }, 120_000);

  it("has no redelivery: when the subscriber dies with requests in flight, their callers see the failure, and a retry reaches another subscriber", async () => {
    const doomed = await connectNats();
    const queue = unique("q");
    const started: number[] = [];
    const hang = gate();
    const stuck: Endpoint<{ id: number }, never> = async (_ctx, { id }) => {
      started.push(id);
      await hang.promise;
      throw new KitError(Code.Internal, "never answered");
    };
    const dying = subscriber(doomed, subject, stuck, decodeJSONMessage<{ id: number }>(), encodeJSONMessage, { queue, closeTimeout: 1_000 });
    await doomed.flush();
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ id: number }>());
    const calls = [0, 1, 2, 3, 4].map((id) => settle(client(timed(2_000), { id })));
    await until("5 requests in flight", () => started.length === 5, { timeout: 15_000 });
    await doomed.close(); // the process "dies": no reply is ever sent
    const failed = await Promise.all(calls);
    expect(failed.map((r) => r.error?.code)).toEqual(Array(5).fill("deadline_exceeded"));

    const healthy = subscriber(nc, subject, (_ctx, req: { id: number }) => Promise.resolve(req), decodeJSONMessage<{ id: number }>(), encodeJSONMessage, { queue });
    cleanup.push(() => healthy.close());
    const retried = await Promise.all([0, 1, 2, 3, 4].map((id) => client(timed(5_000), { id })));
    expect(retried).toEqual([0, 1, 2, 3, 4].map((id) => ({ id })));
    hang.open();
    await dying.close();
  });

  it("sends a poison message to the dead letter exactly once, with its error, and goes on with the next", async () => {
    const deadLetter = `${subject}.dead`;
    const dead: { body: string; code: string; message: string; attempts: string; trace: string }[] = [];
    const dlq = nc.subscribe(deadLetter, {
      callback: (_err, msg) => {
        const h = msg.headers;
        dead.push({
          body: msg.string(),
          code: h?.get("kit-error-code") ?? "",
          message: h?.get("kit-error-message") ?? "",
          attempts: h?.get("kit-attempts") ?? "",
          trace: h?.get("x-trace") ?? "",
        });
      },
    });
    cleanup.push(() => {
      dlq.unsubscribe();
      return Promise.resolve();
    });
    const handled: number[] = [];
    const work: Endpoint<{ id: number }, { id: number }> = (_ctx, req) => {
      handled.push(req.id);
      return Promise.resolve(req);
    };
    const sub = subscriber(nc, subject, work, decodeJSONMessage<{ id: number }>(), encodeJSONMessage, { deadLetter });
    cleanup.push(() => sub.close());
    const h = natsHeaders();
    h.set("x-trace", "abc");
    nc.publish(subject, "not json", { headers: h }); // fire and forget: nobody would hear of it
    nc.publish(subject, JSON.stringify({ id: 1 }));
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ id: number }>());
    await expect(client(timed(5_000), { id: 2 })).resolves.toEqual({ id: 2 });
    await until("the dead letter and both good messages", () => dead.length >= 1 && handled.length === 2, { timeout: 15_000 });
    await sleep(200); // a second copy would have arrived by now
    expect(dead).toEqual([{ body: "not json", code: "invalid_argument", message: expect.any(String) as string, attempts: "1", trace: "abc" }]);
    expect(handled.sort()).toEqual([1, 2]);
  });

  it("answers a poison request with the error, and reports a poison message to the error handler when there is no dead letter", async () => {
    const reported: KitError[] = [];
    const errorHandler: ErrorHandler = { handle: (_ctx, err) => reported.push(err) };
    const sub = subscriber(nc, subject, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { errorHandler });
    cleanup.push(() => sub.close());
    const raw = await nc.request(subject, "{{", { timeout: 5_000 });
    expect(raw.headers?.get("kit-error-code")).toBe("invalid_argument");
    nc.publish(subject, "{{");
    await until("the lost message to be reported", () => reported.some((err) => err.code === "data_loss"), { timeout: 15_000 });
    expect(reported.filter((err) => err.code === "data_loss")).toHaveLength(1);
  });

  it("retries a retryable failure in place and answers once it succeeds", async () => {
    const attempts: number[] = [];
    const flaky: Endpoint<Sum, { v: number }> = async (ctx, req) => {
      attempts.push(attempts.length + 1);
      if (attempts.length < 3) throw new KitError(Code.Unavailable, "database restarting");
      return sum(ctx, req);
    };
    const sub = subscriber(nc, subject, flaky, decodeJSONMessage<Sum>(), encodeJSONMessage, {
      backoff: exponentialBackoff({ base: 5, max: 20 }),
    });
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(client(timed(5_000), { a: 1, b: 1 })).resolves.toEqual({ v: 2 });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("close() with 100 slow requests in flight answers all of them before it returns and takes no new one", async () => {
    let started = 0;
    let finished = 0;
    const slow: Endpoint<{ id: number }, { id: number }> = async (_ctx, req) => {
      started += 1;
      await sleep(500);
      finished += 1;
      return req;
    };
    const sub = subscriber(nc, subject, slow, decodeJSONMessage<{ id: number }>(), encodeJSONMessage, { concurrency: 100 });
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ id: number }>());
    const calls = Array.from({ length: 100 }, (_, id) => settle(client(timed(20_000), { id })));
    await until("100 requests in flight", () => started === 100, { timeout: 15_000 });
    const closing = sub.close();
    const late = await settle(client(timed(5_000), { id: 100 }));
    await closing;
    expect(finished).toBe(100);
    const results = await Promise.all(calls);
    expect(results.map((r) => r.value?.id)).toEqual(Array.from({ length: 100 }, (_, id) => id));
    expect(late.error?.code).toBe("unavailable"); // no responders: the subscriber had unsubscribed
    expect(started).toBe(100);
  });
});
