// A server restart, on a nats-server of the test's own (test/own-nats.ts, port 19100; the shared
// server is never touched), with the connection options the README gives
// (`maxReconnectAttempts: -1`, the client's other defaults): JetStream events and core requests
// go on continuously through the restart; while the server is away they fail at once with
// `unavailable`; once it is back both subscribers work again by themselves, and no event the
// stream acknowledged (PubAck) is lost (duplicates are counted).
import { background, Code, isKitError, withTimeout, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, restartDowntime } from "@kit/transport/testing";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { jetstreamPublisher } from "../src/jetstream-publisher.ts";
import { jetstreamSubscriber } from "../src/jetstream-subscriber.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnNats } from "./own-nats.ts";

let server: OwnBroker;

beforeAll(async () => {
  server = await startOwnNats({ port: 19_100 });
}, 60_000);

afterAll(async () => {
  await server.destroy("SIGKILL");
});

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else 3 s. */
const downtime = restartDowntime(3_000);

interface Outcome {
  readonly n: number;
  readonly at: number;
  readonly ms: number;
  readonly code?: string;
}

/** Calls `call(n)` every 10 ms while `loop.on` (at most 3,000 times and 60 s, plus the downtime), recording each outcome. */
async function keepCalling(loop: { on: boolean }, outcomes: Outcome[], call: (n: number) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 60_000 + downtime;
  for (let n = 0; loop.on && n < 3_000 + downtime / 10 && Date.now() < deadline; n++) {
    const started = Date.now();
    try {
      await call(n);
      outcomes.push({ n, at: started, ms: Date.now() - started });
    } catch (err) {
      if (!isKitError(err)) throw err;
      outcomes.push({ n, at: started, ms: Date.now() - started, code: err.code });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function within<T>(ms: number, run: (ctx: ReturnType<typeof background>) => Promise<T>): Promise<T> {
  const [ctx, cancel] = withTimeout(background(), ms);
  return run(ctx).finally(cancel);
}

it("survives a server restart: calls fail fast with unavailable while it is away, both subscribers resume, no acknowledged event is lost", { timeout: 120_000 + downtime }, async () => {
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1 });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "KIT_RESTART", subjects: ["kit.restart.events"] });
  // Messages a pull had brought to the client when the server went away come back after ack_wait.
  await jsm.consumers.add("KIT_RESTART", { durable_name: "kit", ack_policy: AckPolicy.Explicit, ack_wait: nanos(5_000) });
  const consumer = await jetstream(nc).consumers.get("KIT_RESTART", "kit");
  const reported: KitError[] = [];
  const errorHandler = { handle: (_ctx: unknown, err: KitError) => void reported.push(err) };

  const handled = new Map<number, number>();
  const handledAt = new Map<number, number>();
  const events = jetstreamSubscriber(
    nc,
    consumer,
    async (_ctx, { n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
      if (!handledAt.has(n)) handledAt.set(n, Date.now());
      await Promise.resolve();
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { expires: 1_000, errorHandler },
  );
  const answeredAt = new Map<number, number>();
  const requests = subscriber(
    nc,
    "kit.restart.sum",
    async (_ctx, { n }: { n: number }) => {
      answeredAt.set(n, Date.now());
      await Promise.resolve();
      return { n };
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { queue: "kit", errorHandler },
  );
  // Events carry no deadline (a context's deadline travels as kit-timeout, and an event that waited
  // out the outage would then expire unhandled): the publisher's timeout bounds the wait, on this side only.
  const publish = jetstreamPublisher(nc, "kit.restart.events", encodeJSONMessage, undefined, { timeout: 2_000 });
  const ask = publisher(nc, "kit.restart.sum", encodeJSONMessage, decodeJSONMessage<{ n: number }>());
  const published: Outcome[] = [];
  const asked: Outcome[] = [];
  const loop = { on: true };
  const loops = Promise.all([
    keepCalling(loop, published, (n) => publish(background(), { n })),
    keepCalling(loop, asked, (n) => within(2_000, (ctx) => ask(ctx, { n }))),
  ]);
  try {
    await until("events handled before the restart", () => handled.size >= 50, { timeout: 15_000 });
    let away = 0;
    const back = await server.restart({
      downtime, // 3 s; KIT_RESTART_DOWNTIME_MS for a longer outage (an outage of minutes is survived)
      whileDown: () => {
        away = Date.now();
        return Promise.resolve();
      },
    });
    await until("events acknowledged again", () => published.some((o) => o.at > back && o.code === undefined), { timeout: 30_000 });
    await until("requests answered again", () => asked.some((o) => o.at > back && o.code === undefined), { timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    loop.on = false;
    await loops;
    const acked = published.filter((o) => o.code === undefined).map((o) => o.n);
    await until("every acknowledged event handled", () => acked.every((n) => handled.has(n)), { timeout: 30_000 });

    const failed = [...published, ...asked].filter((o) => o.code !== undefined);
    const duringOutage = failed.filter((o) => o.at >= away + 200 && o.at < back - 200);
    const firstEventAfter = Math.min(...[...handledAt.values()].filter((at) => at > back));
    const firstAnswerAfter = Math.min(...[...answeredAt.values()].filter((at) => at > back));
    const lost = acked.filter((n) => !handled.has(n));
    const duplicated = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `NATS restart: events ${String(published.length)} sent, ${String(acked.length)} acknowledged, ${String(handled.size)} handled, ${String(lost.length)} lost, ${String(duplicated)} duplicated; ` +
        `requests ${String(asked.length)} sent, ${String(asked.filter((o) => o.code === undefined).length)} answered; ` +
        `failed: ${[...new Set(failed.map((o) => o.code))].join(", ")}; ${describeAway(duringOutage, downtime)}; ` +
        `JetStream subscriber resumed ${String(firstEventAfter - back)} ms and core subscriber ${String(firstAnswerAfter - back)} ms after the server was back; ` +
        `${String(reported.length)} reports: ${[...new Set(reported.map((e) => e.message))].join(" | ")}`,
    );
    expect(lost).toEqual([]);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.every((o) => o.code === Code.Unavailable)).toBe(true);
    expect(Math.max(...duringOutage.map((o) => o.ms))).toBeLessThan(1_000); // fast, not the call's deadline
    expect(firstEventAfter - back).toBeLessThan(15_000);
    expect(firstAnswerAfter - back).toBeLessThan(15_000);
    expect(nc.isClosed()).toBe(false);
    // The outage and the recovery are reported once each per subscriber, not at every pull.
    expect(reported.filter((e) => e.message.includes('server is away'))).toHaveLength(2);
    expect(reported.filter((e) => e.message.includes('reconnected after'))).toHaveLength(2);
    expect(reported.length).toBeLessThanOrEqual(6);
  } finally {
    loop.on = false;
    await loops.catch(() => undefined);
    await events.close();
    await requests.close();
    await nc.close();
  }
});
