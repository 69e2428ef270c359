// Load and faults against the real Redis on 127.0.0.1:6379 (REDIS_URL overrides): 10,000
// entries each handled once; a consumer process killed mid-flight whose entries another
// consumer claims; an entry its consumers kept dying on; a slow handler's entry not claimed by
// another consumer; close() with 100 entries in flight; a prompt close. Counts are printed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { background, Code, type Context } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type MessageOutcome } from "@kit/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, entries, Keys, redisUrl } from "./redis.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";

let redis: Awaited<ReturnType<typeof connect>>;
const keys = new Keys();
const quiet = { handle: (): void => undefined };
const none = (): Promise<undefined> => Promise.resolve(undefined);

beforeAll(async () => {
  redis = await connect();
});

afterAll(async () => {
  await keys.deleteAll(redis);
  redis.destroy();
});

const pending = async (stream: string, group: string): Promise<number> => (await redis.sendCommand<[number]>(["XPENDING", stream, group]))[0];

/** Adds `count` entries `{ n }` with a raw pipeline of XADDs. */
async function fill(stream: string, count: number, from = 0): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => redis.sendCommand(["XADD", stream, "*", "body", JSON.stringify({ n: from + i + j })])));
  }
}

describe("load", () => {
  it("handles 10,000 entries with concurrency 16: none lost, none twice, all acknowledged", { timeout: 180_000 }, async () => {
    const stream = keys.name("load");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const seen = new Map<number, number>();
    const sub = subscriber(redis, stream, (_ctx, { n }: { n: number }) => (seen.set(n, (seen.get(n) ?? 0) + 1), none()), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
      group: "g",
      errorHandler: quiet,
    });
    await sub.ready;
    const started = Date.now();
    const send = publisher(redis, stream, encodeJSONMessage, undefined);
    for (let i = 0; i < 10_000; i += 200) await Promise.all(Array.from({ length: 200 }, (_, j) => send(background(), { n: i + j })));
    await until("10,000 handled", () => seen.size === 10_000, { timeout: 150_000 });
    await sub.close();
    const lost = Array.from({ length: 10_000 }, (_, n) => n).filter((n) => !seen.has(n)).length;
    const twice = [...seen.values()].filter((times) => times > 1).length;
    console.log(`Redis load: 10000 sent, ${String(seen.size)} handled, ${String(lost)} lost, ${String(twice)} twice, in ${String(Date.now() - started)} ms`);
    expect({ lost, twice, pending: await pending(stream, "g") }).toEqual({ lost: 0, twice: 0, pending: 0 });
  });
});

describe("faults", () => {
  it("claims the entries of a consumer process killed mid-flight (SIGKILL) and handles each once", { timeout: 60_000 }, async () => {
    const stream = keys.name("killed");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    await fill(stream, 20);
    const fixture = fileURLToPath(new URL("dying-consumer.ts", import.meta.url));
    const child = spawn(process.execPath, [fixture, redisUrl, stream, "g"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await until("the doomed consumer to hold 20", () => out.includes("in flight 20"), { timeout: 30_000 });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(await pending(stream, "g")).toBe(20); // still pending for the dead consumer
    const seen = new Map<number, number>();
    const attempts: number[] = [];
    const sub = subscriber(redis, stream, (_ctx, { n }: { n: number }) => (seen.set(n, (seen.get(n) ?? 0) + 1), none()), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
      group: "g",
      claimIdle: 1_000,
      errorHandler: quiet,
      before: [(ctx: Context, m) => (attempts.push(m.attempt), ctx)],
    });
    await sub.ready;
    await until("the 20 claimed and handled", () => seen.size === 20, { timeout: 30_000 });
    await sub.close();
    console.log(`Redis killed consumer: 20 held by the killed process, ${String(seen.size)} claimed and handled, ${String([...seen.values()].filter((t) => t > 1).length)} twice`);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(attempts.every((a) => a === 2)).toBe(true); // the delivery count: once to the dead consumer, once here
    expect(await pending(stream, "g")).toBe(0);
  });

  it("dead-letters, unhandled, an entry delivered more than maxAttempts times (its consumers kept dying)", async () => {
    const stream = keys.name("crashloop");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const id = await redis.sendCommand<string>(["XADD", stream, "*", "body", "{}"]);
    await redis.sendCommand(["XREADGROUP", "GROUP", "g", "ghost", "COUNT", "1", "STREAMS", stream, ">"]);
    for (let i = 0; i < 4; i++) await redis.sendCommand(["XCLAIM", stream, "g", "ghost", "0", id]); // delivered 5 times
    await redis.sendCommand(["XCLAIM", stream, "g", "ghost", "0", id, "IDLE", "60000", "JUSTID"]);
    let calls = 0;
    const outcomes: MessageOutcome[] = [];
    const sub = subscriber(redis, stream, () => (calls++, none()), decodeJSONMessage(), encodeJSONMessage, {
      group: "g",
      maxAttempts: 5,
      claimIdle: 1_000,
      errorHandler: quiet,
      finalizer: [(_ctx, o) => void outcomes.push(o)],
    });
    await sub.ready;
    await until("the entry settled", () => outcomes.length === 1);
    await sub.close();
    expect({ calls, decision: outcomes[0]?.decision, code: outcomes[0]?.error?.code }).toEqual({ calls: 0, decision: "dead-lettered", code: Code.Aborted });
    expect((await entries(redis, `${stream}:dead-letter`)).map((e) => e.get("kit-attempts"))).toEqual(["6"]);
  });

  it("drops from the group, unhandled, an entry deleted while it was pending for a dead consumer", async () => {
    const stream = keys.name("deleted");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const id = await redis.sendCommand<string>(["XADD", stream, "*", "body", "{}"]);
    await redis.sendCommand(["XADD", stream, "*", "body", "{}"]);
    await redis.sendCommand(["XREADGROUP", "GROUP", "g", "ghost", "COUNT", "2", "STREAMS", stream, ">"]);
    await redis.sendCommand(["XDEL", stream, id]);
    let calls = 0;
    const sub = subscriber(redis, stream, () => (calls++, none()), decodeJSONMessage(), encodeJSONMessage, { group: "g", claimIdle: 100, errorHandler: quiet });
    await sub.ready;
    await until("the entry still there handled", () => calls === 1);
    let left = await pending(stream, "g");
    for (let i = 0; left > 0 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await pending(stream, "g");
    }
    await sub.close();
    expect({ calls, pending: left }).toEqual({ calls: 1, pending: 0 });
  });

  it("keeps a slow handler's entry from being claimed by another consumer (heartbeat)", { timeout: 30_000 }, async () => {
    const stream = keys.name("slow");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const handled: string[] = [];
    const slow = (name: string) => async (): Promise<undefined> => {
      handled.push(name);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return undefined;
    };
    // claimIdle well above an event-loop stall of a loaded machine: the heartbeat runs every 333 ms.
    const options = { group: "g", claimIdle: 1_000, errorHandler: quiet } as const;
    const a = subscriber(redis, stream, slow("a"), decodeJSONMessage(), encodeJSONMessage, options);
    await a.ready;
    await fill(stream, 1);
    await until("a to start", () => handled.length === 1);
    const b = subscriber(redis, stream, slow("b"), decodeJSONMessage(), encodeJSONMessage, options);
    await b.ready;
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // b polls XAUTOCLAIM all along; a's heartbeat (every claimIdle / 3) keeps the entry fresh
    await Promise.all([a.close(), b.close()]);
    expect(handled).toEqual(["a"]);
    expect(await pending(stream, "g")).toBe(0);
  });

  it("close() with 100 entries in flight lets them finish and acknowledges them; what outlives closeTimeout is claimed by another consumer: none lost", { timeout: 60_000 }, async () => {
    const stream = keys.name("close");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const done = new Map<number, number>();
    let started = 0;
    const finish = (ms: number) => async (ctx: Context, { n }: { n: number }): Promise<undefined> => {
      started++;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reject(ctx.signal.reason as Error);
          },
          { once: true },
        );
      });
      done.set(n, (done.get(n) ?? 0) + 1);
      return undefined;
    };
    // 1: close waits for the 100 in flight.
    const first = subscriber(redis, stream, finish(300), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, { group: "g", concurrency: 100, errorHandler: quiet });
    await first.ready;
    await fill(stream, 100);
    await until("100 in flight", () => started === 100, { timeout: 20_000 });
    await first.close();
    expect({ done: done.size, pending: await pending(stream, "g") }).toEqual({ done: 100, pending: 0 });
    // 2: close gives up after closeTimeout; the 100 released are claimed by the next consumer.
    started = 0;
    const second = subscriber(redis, stream, finish(60_000), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
      group: "g",
      concurrency: 100,
      closeTimeout: 100,
      errorHandler: quiet,
    });
    await second.ready;
    await fill(stream, 100, 100);
    await until("100 more in flight", () => started === 100, { timeout: 20_000 });
    await second.close();
    expect(await pending(stream, "g")).toBe(100); // released: still pending, not lost
    const third = subscriber(redis, stream, finish(1), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, { group: "g", concurrency: 100, claimIdle: 500, errorHandler: quiet });
    await third.ready;
    await until("the 100 released handled by the next consumer", () => done.size === 200, { timeout: 20_000 });
    await third.close();
    const twice = [...done.values()].filter((t) => t > 1).length;
    console.log(`Redis close under load: 200 sent, ${String(done.size)} handled, ${String(200 - done.size)} lost, ${String(twice)} twice`);
    expect({ handled: done.size, twice, pending: await pending(stream, "g") }).toEqual({ handled: 200, twice: 0, pending: 0 });
  });

  it("close() is prompt while a read blocks, and leaves the group when nothing is pending", async () => {
    const stream = keys.name("prompt");
    const sub = subscriber(redis, stream, none, decodeJSONMessage(), encodeJSONMessage, { group: "g", createGroup: true, block: 60_000, consumer: "c1", errorHandler: quiet });
    await sub.ready;
    await new Promise((resolve) => setTimeout(resolve, 200)); // blocked in XREADGROUP
    const started = Date.now();
    await sub.close();
    expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s block
    const consumers = await redis.sendCommand<unknown[]>(["XINFO", "CONSUMERS", stream, "g"]);
    expect(consumers).toEqual([]);
  });
});
