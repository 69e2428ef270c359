// A broker restart, on a RabbitMQ node of the test's own (@kit/test-support's startOwnRabbitMq,
// port 19010; the shared broker is never touched), with a connection from connect() at its
// defaults: publishes go on continuously through the restart; while the broker is away they fail at
// once with `unavailable`; once it is back the subscriber consumes again by itself, what was
// declared is declared again, and no publish the broker confirmed is lost (duplicates are counted).
import { background, Code, isKitError, withTimeout, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, restartDowntime } from "@kit/transport/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect } from "../src/connection.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import { assertTopology } from "../src/topology.ts";
import { startOwnRabbitMq, type OwnRabbitMq, until } from "@kit/test-support";

let broker: OwnRabbitMq;

beforeAll(async () => {
  broker = await startOwnRabbitMq({ port: 19_010 });
}, 120_000);

afterAll(async () => {
  await broker.destroy();
}, 60_000);

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else 3 s. */
const downtime = restartDowntime(3_000);

interface Outcome {
  readonly n: number;
  readonly at: number;
  readonly ms: number;
  readonly code?: string;
}

it("survives a broker restart: publishes fail fast with unavailable while it is away, the subscriber resumes, no confirmed publish is lost", { timeout: 180_000 + downtime }, async () => {
  const reported: KitError[] = [];
  const errorHandler = { handle: (_ctx: unknown, err: KitError) => void reported.push(err) };
  const connection = await connect(broker.url, { errorHandler });
  const queue = "kit-restart.orders";
  await assertTopology(connection, queue);
  // A non-durable exchange is gone after the restart: the connection must declare it again.
  await connection.declare((channel) => channel.assertExchange("kit-restart.events", "fanout", { durable: false }));

  const loop = { publishing: true };
  const handled = new Map<number, number>();
  const handledAt = new Map<number, number>();
  const sub = subscriber(
    connection,
    queue,
    async (_ctx, { n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
      if (!handledAt.has(n)) handledAt.set(n, Date.now());
      await Promise.resolve();
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { errorHandler },
  );
  await assertTopology(connection, "kit-restart.sum");
  const answeredAt: number[] = [];
  const answering = subscriber(
    connection,
    "kit-restart.sum",
    async (_ctx, { n }: { n: number }) => {
      answeredAt.push(Date.now());
      await Promise.resolve();
      return { n };
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { errorHandler },
  );
  const ask = publisher(connection, "kit-restart.sum", encodeJSONMessage, decodeJSONMessage<{ n: number }>(), { timeout: 2_000 });
  const asked: Outcome[] = [];
  const askLoop = (async () => {
    for (let n = 0; loop.publishing && n < 3_000 + downtime / 10; n++) {
      const started = Date.now();
      try {
        await ask(background(), { n });
        asked.push({ n, at: started, ms: Date.now() - started });
      } catch (err) {
        if (!isKitError(err)) throw err;
        asked.push({ n, at: started, ms: Date.now() - started, code: err.code });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const send = publisher(connection, queue, encodeJSONMessage, undefined);
  const outcomes: Outcome[] = [];
  let next = 0;
  const publishLoop = (async () => {
    const deadline = Date.now() + 60_000 + downtime; // bounded in time and count
    while (loop.publishing && next < 5_000 + downtime / 10 && Date.now() < deadline) {
      const n = next++;
      const started = Date.now();
      try {
        await send(background(), { n }); // no deadline: it would travel as kit-timeout and expire the event in the queue
        outcomes.push({ n, at: started, ms: Date.now() - started });
      } catch (err) {
        if (!isKitError(err)) throw err;
        outcomes.push({ n, at: started, ms: Date.now() - started, code: err.code });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    await sub.ready;
    await until("some messages handled before the restart", () => handled.size >= 50, { timeout: 30_000 });
    let away = 0;
    const back = await broker.restart({
      downtime, // 3 s; KIT_RESTART_DOWNTIME_MS for a longer outage (an outage of minutes is survived)
      whileDown: () => {
        away = Date.now();
        return Promise.resolve();
      },
    });
    const firstAfter = next;
    await until("publishes confirmed again after the restart", () => outcomes.some((o) => o.n >= firstAfter && o.code === undefined), { timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await until("requests answered again after the restart", () => asked.some((o) => o.at > back && o.code === undefined), { timeout: 30_000 });
    loop.publishing = false;
    await Promise.all([publishLoop, askLoop]);
    const acked = outcomes.filter((o) => o.code === undefined).map((o) => o.n);
    await until("every confirmed publish handled", () => acked.every((n) => handled.has(n)), { timeout: 60_000 });

    const failed = [...outcomes, ...asked].filter((o) => o.code !== undefined);
    const duringOutage = failed.filter((o) => o.at >= away + 200 && o.at < back - 200); // clear of the edges
    const resumedAt = Math.min(...[...handledAt].filter(([n]) => n >= firstAfter).map(([, at]) => at));
    const lost = acked.filter((n) => !handled.has(n));
    const duplicated = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `AMQP restart: ${String(outcomes.length)} sent, ${String(acked.length)} confirmed, ${String(failed.length)} failed (${[...new Set(failed.map((o) => o.code))].join(", ")}), ` +
        `${String(handled.size)} handled, ${String(lost.length)} lost, ${String(duplicated)} duplicated; ` +
        `${describeAway(duringOutage, downtime)}; ` +
        `requests ${String(asked.length)} sent, ${String(asked.filter((o) => o.code === undefined).length)} answered; ` +
        `subscriber resumed ${String(resumedAt - back)} ms and the answering one ${String(Math.min(...answeredAt.filter((at) => at > back)) - back)} ms after the broker was back; ` +
        `${String(reported.length)} reports: ${reported.map((e) => e.message).join(" | ")}`,
    );
    expect(lost).toEqual([]);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.every((o) => o.code === Code.Unavailable)).toBe(true);
    expect(Math.max(...duringOutage.map((o) => o.ms))).toBeLessThan(1_000); // fast, not a 30 s hang
    expect(resumedAt - back).toBeLessThan(15_000);
    expect(reported.some((e) => e.message.includes('lost the connection'))).toBe(true);
    expect(reported.some((e) => e.message.includes('reconnected'))).toBe(true);
    expect(reported.some((e) => e.message.includes('consuming again'))).toBe(true);
    const check = await connection.createChannel(false);
    await expect(check.checkExchange("kit-restart.events")).resolves.toBeDefined(); // declared again
    await check.close();
  } finally {
    loop.publishing = false;
    await Promise.all([publishLoop, askLoop]).catch(() => undefined);
    await sub.close();
    await answering.close();
    await connection.close();
  }
});

it("fails publishes at once with resource_exhausted while the broker blocks publishing (a memory alarm), and publishes again after it", { timeout: 60_000 }, async () => {
  const reported: KitError[] = [];
  const connection = await connect(broker.url, { errorHandler: { handle: (_ctx, err) => void reported.push(err) } });
  await assertTopology(connection, "kit-alarm.events");
  const send = publisher(connection, "kit-alarm.events", encodeJSONMessage, undefined);
  try {
    await send(background(), { n: 0 });
    await broker.ctl("set_vm_memory_high_watermark", "0.000001"); // every node is over it: the alarm goes off
    // RabbitMQ blocks a connection when it next publishes: this one is held (until its deadline).
    const [ctx, cancel] = withTimeout(background(), 2_000);
    const held = send(ctx, { n: 1 }).catch((err: unknown) => err);
    await until("the connection blocked", () => reported.some((e) => e.message.includes('blocks publishing')), { timeout: 20_000 });
    const started = Date.now();
    await expect(send(background(), { n: 2 })).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(Date.now() - started).toBeLessThan(1_000);
    await broker.ctl("set_vm_memory_high_watermark", "0.4");
    await until("the connection unblocked", () => reported.some((e) => e.message.includes('unblocked')), { timeout: 20_000 });
    await send(background(), { n: 3 });
    cancel();
    await held;
  } finally {
    await broker.ctl("set_vm_memory_high_watermark", "0.4");
    await connection.close();
  }
});
