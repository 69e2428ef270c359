// A server restart, on a redis-server of the test's own with the append-only file on
// (test/own-redis.ts, port 20750; the shared Redis is never touched): while it is away
// (KIT_RESTART_DOWNTIME_MS for an outage of minutes) every publish fails at once with
// `unavailable`; once it is back the subscriber reads again by itself; every acknowledged
// publish is handled (none lost, duplicates counted).
import { background, Code, isKitError, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, publishWhileAway, restartDowntime } from "@kit/transport/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { publisher } from "../src/publisher.ts";
import { replyStream } from "../src/reply-stream.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnRedis } from "./own-redis.ts";
import { connect } from "./redis.ts";

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else only while a few publishes fail. */
const downtime = restartDowntime();

const port = Number(process.env.KIT_REDIS_RESTART_PORT ?? 20_750);
let server: OwnBroker;

beforeAll(async () => {
  server = await startOwnRedis(port);
}, 60_000);

afterAll(async () => {
  await server.destroy();
});

it("survives a server restart: publishes fail fast with unavailable while it is away, the subscriber resumes, no acknowledged entry is lost", { timeout: 120_000 + downtime }, async () => {
  const client = await connect(server.url); // node-redis's default reconnection, as a user has it
  const acked = new Set<number>();
  const handled = new Map<number, number>();
  const handledAt = new Map<number, number>();
  const errors: KitError[] = [];
  const send = publisher(client, "kit-restart", encodeJSONMessage, undefined);
  const tryPublish = async (n: number): Promise<KitError | undefined> => {
    try {
      await send(background(), { n });
      return undefined;
    } catch (err) {
      if (isKitError(err)) return err;
      throw err;
    }
  };
  const sub = subscriber(
    client,
    "kit-restart",
    (_ctx, { n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
      if (!handledAt.has(n)) handledAt.set(n, Date.now());
      return Promise.resolve(undefined);
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { group: "g", createGroup: true, claimIdle: 2_000, errorHandler: { handle: (_ctx, err) => void errors.push(err) } },
  );
  try {
    await sub.ready;
    let next = 0;
    for (; next < 50; next++) if ((await tryPublish(next)) === undefined) acked.add(next);
    expect(acked.size).toBe(50);
    await until("handled before the restart", () => [...acked].every((n) => handled.has(n)), { timeout: 30_000 });

    await server.stop();
    await until("the client to see the server gone", () => !client.isReady);
    const whileAway = await publishWhileAway(Date.now(), downtime, async () => {
      const n = next++;
      const failed = await tryPublish(n);
      if (failed === undefined) acked.add(n); // it cannot be: the server is down
      return failed;
    });
    expect(whileAway.filter((p) => p.code !== Code.Unavailable)).toEqual([]);
    expect(Math.max(...whileAway.map((p) => p.ms))).toBeLessThan(1_000);

    await server.start();
    const back = Date.now();
    const firstAfter = next;
    await until("the client to reconnect", () => client.isReady, { timeout: 30_000 });
    for (const end = next + 50; next < end; next++) if ((await tryPublish(next)) === undefined) acked.add(next);
    await until("every acknowledged entry handled after the restart", () => [...acked].every((n) => handled.has(n)), { timeout: 60_000 });
    const resumedAt = Math.min(...[...handledAt].filter(([n]) => n >= firstAfter).map(([, at]) => at));
    const lost = [...acked].filter((n) => !handled.has(n));
    const duplicates = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `Redis restart: resumed ${String(resumedAt - back)} ms after the server answered again; ${String(acked.size)} acknowledged, ${String(lost.length)} lost, ${String(duplicates)} handled twice; ${describeAway(whileAway, downtime)}; ${String(errors.length)} errors reported: ${[...new Set(errors.map((e) => `${e.code}: ${e.message}`))].join(" | ")}`,
    );
    expect(lost).toEqual([]);
    expect(acked.size).toBe(100);
    // The outage was reported, and its end, once each for the subscriber's blocking connection.
    expect(errors.filter((err) => err.message.startsWith("Redis connection of the subscriber") && !err.message.includes("the outage is over"))).toHaveLength(1);
    expect(errors.filter((err) => err.message.includes("reconnected after") && err.message.includes("the outage is over"))).toHaveLength(1);
    expect(errors.filter((err) => err.message.includes("the outage is over"))).toHaveLength(1); // the runtime does not report it a second time
  } finally {
    await sub.close().catch(() => undefined);
    client.destroy();
  }
});

it("loses no entry that was being handled when the server went away: what could not be acknowledged is acknowledged or claimed again after it is back", { timeout: 120_000 }, async () => {
  const client = await connect(server.url);
  const stream = "kit-restart-inflight";
  const handled = new Map<number, number>();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const errors: KitError[] = [];
  const sub = subscriber(
    client,
    stream,
    async (_ctx, { n }: { n: number }) => {
      await gate; // held until the server is gone
      handled.set(n, (handled.get(n) ?? 0) + 1);
      return undefined;
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { group: "g", createGroup: true, concurrency: 20, claimIdle: 2_000, errorHandler: { handle: (_ctx, err) => void errors.push(err) } },
  );
  try {
    await sub.ready;
    const send = publisher(client, stream, encodeJSONMessage, undefined);
    for (let n = 0; n < 20; n++) await send(background(), { n });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the 20 are in flight
    await server.stop();
    await until("the client to see the server gone", () => !client.isReady);
    release(); // the endpoints finish while Redis is away: their XACKs cannot go out
    await until("the 20 handled", () => handled.size === 20);
    await server.start();
    const back = Date.now();
    await until("the client to reconnect", () => client.isReady, { timeout: 30_000 });
    const pending = async (): Promise<number> => (await client.sendCommand<[number]>(["XPENDING", stream, "g"]))[0];
    let left = await pending();
    while (left > 0 && Date.now() - back < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await pending();
    }
    const twice = [...handled.values()].filter((t) => t > 1).length;
    console.log(
      `Redis restart with 20 in flight: ${String(handled.size)} handled, ${String(20 - handled.size)} lost, ${String(twice)} twice, none pending ${String(Date.now() - back)} ms after the server answered again`,
    );
    expect({ handled: handled.size, pending: left }).toEqual({ handled: 20, pending: 0 });
  } finally {
    await sub.close().catch(() => undefined);
    client.destroy();
  }
});

it("close() ends within about closeTimeout while Redis is away, and what it could not settle is handled once Redis is back", { timeout: 120_000 }, async () => {
  const client = await connect(server.url);
  const stream = "kit-restart-close";
  let started = 0;
  const sub = subscriber(
    client,
    stream,
    async () => {
      started++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return undefined;
    },
    decodeJSONMessage(),
    encodeJSONMessage,
    { group: "g", createGroup: true, closeTimeout: 500, errorHandler: { handle: () => undefined } },
  );
  await sub.ready;
  const send = publisher(client, stream, encodeJSONMessage, undefined);
  for (let n = 0; n < 5; n++) await send(background(), { n });
  await until("5 in flight", () => started === 5);
  await server.stop();
  const closing = Date.now();
  await Promise.race([sub.close(), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const took = Date.now() - closing;
  client.destroy();
  await server.start();
  const again = await connect(server.url);
  const handled = new Set<number>();
  const next = subscriber(again, stream, (_ctx, { n }: { n: number }) => (handled.add(n), Promise.resolve(undefined)), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
    group: "g",
    claimIdle: 500,
    errorHandler: { handle: () => undefined },
  });
  try {
    await next.ready;
    await until("the 5 handled by the next subscriber", () => handled.size === 5, { timeout: 30_000 });
    console.log(`Redis close() while the server was away: ${String(took)} ms with closeTimeout 500; the 5 in flight handled after the restart`);
    expect(took).toBeLessThan(10_000); // not until Redis comes back
  } finally {
    await next.close();
    again.destroy();
  }
});

it("a requester fails fast while Redis is away, and its reply stream's close() does not wait for Redis to come back", { timeout: 60_000 }, async () => {
  const client = await connect(server.url);
  const replies = replyStream(client, "kit-restart-rr:replies:1");
  const sub = subscriber(client, "kit-restart-rr", (_ctx, n: number) => Promise.resolve(n + 1), decodeJSONMessage<number>(), encodeJSONMessage, {
    group: "g",
    createGroup: true,
    errorHandler: { handle: () => undefined },
  });
  await sub.ready;
  const call = publisher(client, "kit-restart-rr", encodeJSONMessage, decodeJSONMessage<number>(), { replies, timeout: 5_000 });
  try {
    expect(await call(background(), 1)).toBe(2);
    await sub.close();
    await server.stop();
    await until("the client to see the server gone", () => !client.isReady);
    await expect(call(background(), 2)).rejects.toMatchObject({ code: Code.Unavailable });
    const closing = Date.now();
    await Promise.race([replies.close(), new Promise((resolve) => setTimeout(resolve, 30_000))]);
    expect(Date.now() - closing).toBeLessThan(15_000); // its bounded DEL, not until Redis comes back
  } finally {
    client.destroy();
    await server.start();
  }
});
