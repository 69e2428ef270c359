// addsvc over NATS against the server at NATS_URL (default nats://127.0.0.1:4222, with
// JetStream): the NATS service, the client, the wire format, the demo, and addsvc's endpoints
// behind a JetStream consumer. Each test uses subjects (and streams) of its own.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, KitError, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, encodeJSONMessage, logErrorHandler, whenReady } from "@kit/transport";
import { jetstreamPublisher, jetstreamSubscriber } from "@kit/transport-nats/jetstream";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../test/support.ts";
import { demoNats } from "./demo-nats.ts";
import { Svcm } from "@nats-io/services";
import { natsClient } from "./demo-clients.ts";
import { makeEndpoints, type AddEndpoints, type SumRequest, type SumResponse } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { natsService } from "./generated/add.nats.ts";
import { newBasicService } from "./service.ts";
import { sumRequest } from "./generated/add.validators.ts";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
let nc: NatsConnection;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  nc = await connect({ servers: url, timeout: 5_000 });
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

afterAll(async () => {
  await nc.close();
});

function timed(ms: number): Context {
  const [ctx, cancel] = withTimeout(background(), ms);
  cleanup.push(() => {
    cancel();
    return Promise.resolve();
  });
  return ctx;
}

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** addsvc's NATS wiring, as serveAdd (src/generated/add.serve.ts) does it: the NATS service addsvc on the subjects `<subjectPrefix>.sum` and `.concat`. */
async function serveNats(endpoints: AddEndpoints, { logger, subjectPrefix }: { logger: ReturnType<typeof recorder>; subjectPrefix: string }) {
  const service = await new Svcm(nc).add({ name: "addsvc", version: "0.0.0", queue: subjectPrefix });
  const sub = await whenReady(natsService(nc, service, endpoints, { prefix: subjectPrefix, subscriber: { concurrency: 16, errorHandler: logErrorHandler(logger) } }));
  await nc.flush();
  return { id: service.info().id, close: () => service.stop().then(() => sub.close()) };
}
type NatsServer = Awaited<ReturnType<typeof serveNats>>;

/** The endpoints addsvc serves. */
const newEndpoints = (logger: ReturnType<typeof recorder>, metrics = memory()): AddEndpoints => withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });

/** Serves addsvc on fresh subjects; closes it after the test. */
async function serve(endpoints?: AddEndpoints): Promise<{ server: NatsServer; subjectPrefix: string; metrics: ReturnType<typeof memory>; logger: ReturnType<typeof recorder> }> {
  const logger = recorder();
  const metrics = memory();
  const subjectPrefix = `addsvc_test_${randomUUID().slice(0, 8)}`;
  const server = await serveNats(endpoints ?? newEndpoints(logger, metrics), { logger, subjectPrefix });
  cleanup.push(() => server.close());
  return { server, subjectPrefix, metrics, logger };
}

describe("addsvc over core NATS", () => {
  it("answers sum and concat through the Kit client, and counts them", async () => {
    const { subjectPrefix, metrics } = await serve();
    const svc = natsClient(nc, { subjectPrefix });
    await expect(svc.sum(timed(5_000), 2, 3)).resolves.toBe(5);
    await expect(svc.concat(timed(5_000), "kit", "go")).resolves.toBe("kitgo");
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
  });

  it("speaks the HTTP transport's JSON to any NATS client, Go's field rules included", async () => {
    const { subjectPrefix } = await serve();
    const reply = await nc.request(`${subjectPrefix}.sum`, JSON.stringify({ A: 40, B: 2 }), { timeout: 5_000 });
    expect(reply.json()).toEqual({ v: 42 });
    expect(reply.headers).toBeUndefined(); // JSON is NATS's default body: a plain message, no header block, as Go kit's natstransport sends it
  });

  it("carries a business error across intact, for the Kit client and for micro clients", async () => {
    const { subjectPrefix, metrics } = await serve();
    const err = await failure(natsClient(nc, { subjectPrefix }).sum(timed(5_000), 0, 0));
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toBe("can't sum two zeroes");
    const raw = await nc.request(`${subjectPrefix}.concat`, JSON.stringify({ a: "0123456789", b: "x" }), { timeout: 5_000 });
    expect(raw.headers?.get("kit-error-code")).toBe("out_of_range");
    expect(raw.headers?.get("Nats-Service-Error")).toBe("result exceeds maximum size");
    expect(raw.headers?.get("Nats-Service-Error-Code")).toBe("400");
    expect(raw.json()).toEqual({ error: "result exceeds maximum size", code: "out_of_range", message: "result exceeds maximum size" });
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
  });

  it("answers a body that is not JSON with invalid_argument", async () => {
    const { subjectPrefix } = await serve();
    const raw = await nc.request(`${subjectPrefix}.sum`, "{nope", { timeout: 5_000 });
    expect(raw.headers?.get("kit-error-code")).toBe("invalid_argument");
  });

  it("gives the server the caller's deadline, and a late reply is deadline_exceeded on the caller", async () => {
    const seen: (number | undefined)[] = [];
    const base = newEndpoints(recorder());
    const slow: Endpoint<SumRequest, SumResponse> = async (ctx, req) => {
      seen.push(ctx.deadline);
      if (req.a === 99) await new Promise((resolve) => setTimeout(resolve, 3_000));
      return base.sum(ctx, req);
    };
    const { subjectPrefix } = await serve({ ...base, sum: slow });
    const svc = natsClient(nc, { subjectPrefix });
    const ctx = timed(3_000);
    await expect(svc.sum(ctx, 1, 2)).resolves.toBe(3);
    expect(Math.abs((seen[0] ?? 0) - (ctx.deadline ?? 0))).toBeLessThan(1_000);
    const started = Date.now();
    const err = await failure(svc.sum(timed(400), 99, 1));
    expect(err.code).toBe("deadline_exceeded");
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("is unavailable at once when no addsvc serves the subjects", async () => {
    const err = await failure(natsClient(nc, { subjectPrefix: `addsvc_none_${randomUUID().slice(0, 8)}` }).sum(timed(5_000), 1, 2));
    expect(err.code).toBe("unavailable");
  });

  it("registers the NATS service addsvc, which answers $SRV.PING, $SRV.INFO and $SRV.STATS with its endpoints", async () => {
    const { server, subjectPrefix } = await serve();
    const svc = natsClient(nc, { subjectPrefix });
    await svc.sum(timed(5_000), 1, 2);
    await svc.sum(timed(5_000), 3, 4);
    const ask = async (verb: string): Promise<Record<string, unknown>> =>
      (await nc.request(`$SRV.${verb}.addsvc.${server.id}`, undefined, { timeout: 5_000 })).json();
    expect(await ask("PING")).toMatchObject({ type: "io.nats.micro.v1.ping_response", name: "addsvc", id: server.id });
    expect(await ask("INFO")).toMatchObject({
      name: "addsvc",
      endpoints: [
        { name: "sum", subject: `${subjectPrefix}.sum`, queue_group: subjectPrefix },
        { name: "concat", subject: `${subjectPrefix}.concat`, queue_group: subjectPrefix },
      ],
    });
    expect(await ask("STATS")).toMatchObject({
      name: "addsvc",
      endpoints: [
        { name: "sum", num_requests: 2 },
        { name: "concat", num_requests: 0 },
      ],
    });
  });

  it("close() lets the requests in flight finish and be answered, and takes no new one", async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const base = newEndpoints(recorder());
    const held: Endpoint<SumRequest, SumResponse> = async (ctx, req) => {
      started += 1;
      await gate;
      return base.sum(ctx, req);
    };
    const { server, subjectPrefix } = await serve({ ...base, sum: held });
    const svc = natsClient(nc, { subjectPrefix });
    const calls = [1, 2, 3].map((a) => svc.sum(timed(10_000), a, 1));
    const deadline = Date.now() + 10_000;
    while (started < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await failure(svc.sum(timed(5_000), 5, 5));
    expect(late.code).toBe("unavailable");
    release();
    await closing;
    await expect(Promise.all(calls)).resolves.toEqual([2, 3, 4]);
  });

  it("runs the NATS demo: three calls and the service's ping, all as expected", async () => {
    const lines: string[] = [];
    await demoNats(nc, (line) => lines.push(line));
    expect(lines.filter((line) => line.includes("✓"))).toHaveLength(4);
    expect(lines.join("\n")).toMatch(/sum\(2, 3\) → 5 {2}✓/);
    expect(lines.join("\n")).toMatch(/sum\(0, 0\) → error invalid_argument: can't sum two zeroes {2}✓/);
    expect(lines.join("\n")).toContain('"name":"addsvc"');
  });
});

describe("addsvc's endpoints over JetStream", () => {
  it("answers a request stored in a stream, carries an error across, and passes the deadline", async () => {
    const jsm = await jetstreamManager(nc);
    const stream = `ADDSVC_TEST_${randomUUID().slice(0, 8)}`;
    const subject = `${stream.toLowerCase()}.sum`;
    await jsm.streams.add({ name: stream, subjects: [subject] });
    cleanup.push(() => jsm.streams.delete(stream));
    await jsm.consumers.add(stream, { durable_name: "addsvc", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(nc).consumers.get(stream, "addsvc");
    const seen: (number | undefined)[] = [];
    const { sum: sumEndpoint } = newEndpoints(recorder());
    const watched: Endpoint<SumRequest, SumResponse> = (ctx, req) => {
      seen.push(ctx.deadline);
      return sumEndpoint(ctx, req);
    };
    const sub = jetstreamSubscriber(nc, consumer, watched, decodeJSONMessage(sumRequest), (ctx, response: SumResponse, reply) => {
      encodeJSONMessage(ctx, { v: response }, reply); // a business error is thrown, answered in the kit-error-* headers
    }, { maxAttempts: 1 });
    cleanup.push(() => sub.close());
    const client = jetstreamPublisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const ctx = timed(5_000);
    await expect(client(ctx, { a: 20, b: 22 })).resolves.toEqual({ v: 42 });
    expect(Math.abs((seen[0] ?? 0) - (ctx.deadline ?? 0))).toBeLessThan(1_000);
    const err = await failure(client(timed(5_000), { a: 0, b: 0 }));
    expect(err).toMatchObject({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
    expect(err).toBeInstanceOf(KitError);
  });
});
