// addsvc over AMQP against the RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672):
// the server, the client, the wire format and the demo. Each run uses queues of its own and
// deletes them.
import { randomUUID } from "node:crypto";
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, logErrorHandler, whenReady } from "@kit/transport";
import { connect as connectKit, publisher, topologyOf, type AmqpConnection } from "@kit/transport-amqp";
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../test/support.ts";
import { amqpClient } from "./demo-clients.ts";
import { amqpSubscribers, amqpTopology } from "./generated/add.amqp.ts";
import { demoAmqp } from "./demo-amqp.ts";
import { makeEndpoints, type AddEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { newBasicService } from "./service.ts";

const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
let connection: ChannelModel;
/** The reconnecting connection addsvc serves on, as serveAdd (src/generated/add.serve.ts) makes it. */
let kit: AmqpConnection;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  connection = await connect(url);
  kit = await connectKit(url);
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await kit.close();
  await connection.close();
});

async function channel(): Promise<Channel> {
  const ch = await connection.createChannel();
  ch.on("error", () => undefined);
  cleanup.push(() => ch.close().catch(() => undefined));
  return ch;
}

/** Messages ready in `queue`, or `undefined` when it does not exist. */
async function ready(queue: string): Promise<number | undefined> {
  const ch = await connection.createChannel();
  ch.on("error", () => undefined);
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } catch {
    return undefined; // the broker closed the channel: no such queue
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** addsvc's AMQP wiring, as serveAdd (src/generated/add.serve.ts) does it, on the queues `<queuePrefix>.sum` and `.concat`. */
async function serveAmqp(conn: AmqpConnection | ConfirmChannel, endpoints: AddEndpoints, { logger, queuePrefix }: { logger: ReturnType<typeof recorder>; queuePrefix: string }) {
  await amqpTopology(conn, { prefix: queuePrefix });
  const sub = await whenReady(amqpSubscribers(conn, endpoints, { prefix: queuePrefix, subscriber: { concurrency: 16, errorHandler: logErrorHandler(logger) } }));
  return { queues: [`${queuePrefix}.sum`, `${queuePrefix}.concat`] as const, close: () => sub.close() };
}
type AmqpServer = Awaited<ReturnType<typeof serveAmqp>>;

/** Serves addsvc on fresh queues; closes and deletes them after the test. */
async function serve(): Promise<{ server: AmqpServer; queuePrefix: string; metrics: ReturnType<typeof memory>; logger: ReturnType<typeof recorder> }> {
  const logger = recorder();
  const metrics = memory();
  const queuePrefix = `addsvc-test.${randomUUID().slice(0, 8)}`;
  const server = await serveAmqp(kit, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics }), { logger, queuePrefix });
  cleanup.push(async () => {
    await server.close();
    const ch = await connection.createChannel();
    for (const queue of server.queues) {
      const names = topologyOf(queue);
      for (const name of [names.queue, names.retryQueue, names.deadLetterQueue]) await ch.deleteQueue(name);
      await ch.deleteExchange(names.deadLetterExchange);
    }
    await ch.close();
  });
  return { server, queuePrefix, metrics, logger };
}

describe("addsvc over AMQP", () => {
  it("answers sum and concat through the Kit AMQP client, and brings a business error back as it was thrown", async () => {
    const { server, queuePrefix, metrics } = await serve();
    const svc = amqpClient(await channel(), { queuePrefix });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await svc.sum(ctx, 2, 3)).toBe(5);
      expect(await svc.concat(ctx, "kit", "go")).toBe("kitgo");
      const err: unknown = await svc.sum(ctx, 0, 0).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "invalid_argument", message: "can't sum two zeroes" });
    } finally {
      cancel();
    }
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
    // A business error is an answer, not a poison message: nothing went to the dead letter.
    expect(await ready(topologyOf(server.queues[0]).deadLetterQueue)).toBe(0);
    expect(await ready(server.queues[0])).toBe(0);
  });

  it("speaks the HTTP transport's JSON: Go's field names in, {\"v\"} out, and a malformed body is invalid_argument", async () => {
    const { server } = await serve();
    const ch = await channel();
    const raw = publisher<string, unknown>(
      ch,
      server.queues[0],
      (_ctx, body, message) => {
        message.body = Buffer.from(body);
      },
      decodeJSONMessage(),
    );
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await raw(ctx, '{"A":1,"B":2}')).toEqual({ v: 3 });
      const err: unknown = await raw(ctx, "{not json").catch((thrown: unknown) => thrown);
      expect(isKitError(err) && err.code).toBe("invalid_argument");
    } finally {
      cancel();
    }
  });

  it("takes a confirm channel of the caller's and leaves it open on close", async () => {
    const confirm = await connection.createConfirmChannel();
    confirm.on("error", () => undefined);
    let closed = false;
    confirm.on("close", () => {
      closed = true;
    });
    const queuePrefix = `addsvc-test.${randomUUID().slice(0, 8)}`;
    const logger = recorder();
    const server = await serveAmqp(confirm, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: memory() }), { logger, queuePrefix });
    const svc = amqpClient(await channel(), { queuePrefix });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect(await svc.sum(ctx, 40, 2)).toBe(42);
    cancel();
    await server.close();
    expect(closed).toBe(false);
    for (const queue of server.queues) {
      const names = topologyOf(queue);
      for (const name of [names.queue, names.retryQueue, names.deadLetterQueue]) await confirm.deleteQueue(name);
      await confirm.deleteExchange(names.deadLetterExchange);
    }
    await confirm.close();
  });

  it("runs the AMQP demo: three calls printed and checked, its queues deleted", async () => {
    const lines: string[] = [];
    await demoAmqp(url, (line) => lines.push(line));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/sum\(2, 3\) → 5 {2}✓/);
    expect(lines[2]).toMatch(/concat\("kit", "go"\) → "kitgo" {2}✓/);
    expect(lines[3]).toMatch(/sum\(0, 0\) → error invalid_argument: can't sum two zeroes {2}✓/);
    const queues = /queues (\S+), (\S+)\)/.exec(lines[0] ?? "");
    expect(queues).not.toBeNull();
    expect(await ready(queues![1]!)).toBeUndefined();
    expect(await ready(queues![2]!)).toBeUndefined();
  });
});
