// JetStream against the real server (NATS_URL, default nats://127.0.0.1:4222, with JetStream):
// at least once, acks, redelivery, dead letters and drain. Every test makes its own streams
// (random names) and deletes them.
import { background, Code, isKitError, KitError, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, exponentialBackoff, type MessageOutcome } from "@kit/transport";
import { AckPolicy, jetstream, jetstreamManager, type Consumer, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, nanos, type NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, gate, inBatches, sleep, unique } from "../test/support.ts";
import { jetstreamPublisher } from "./jetstream-publisher.ts";
import { jetstreamSubscriber } from "./jetstream-subscriber.ts";

interface Job {
  readonly id: number;
}

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

describe("JetStream subscriber and publisher", () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  let subject: string;
  let deadLetter: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    nc = await connectNats();
    jsm = await jetstreamManager(nc);
    const name = unique("KIT_TEST");
    stream = name;
    subject = `${name.toLowerCase()}.jobs`;
    deadLetter = `${name.toLowerCase()}.dead`;
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await jsm.streams.add({ name: `${stream}_DEAD`, subjects: [deadLetter] });
  });

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await jsm.streams.delete(stream).catch(() => undefined);
    await jsm.streams.delete(`${stream}_DEAD`).catch(() => undefined);
    await nc.close();
  });

  async function durable(name = "workers", ackWaitMs = 30_000): Promise<Consumer> {
    await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit, ack_wait: nanos(ackWaitMs) });
    return jetstream(nc).consumers.get(stream, name);
  }

  async function consumerState(name = "workers"): Promise<{ pending: number; ackPending: number; redelivered: number; acked: number; delivered: number }> {
    const info = await jsm.consumers.info(stream, name);
    return {
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
      acked: info.ack_floor.stream_seq,
      delivered: info.delivered.consumer_seq,
    };
  }

  it("answers a request through the stream, carries an error code across, and passes the caller's deadline", async () => {
    const consumer = await durable();
    const deadlines: (number | undefined)[] = [];
    const work: Endpoint<{ a: number; b: number }, { v: number }> = async (ctx, { a, b }) => {
      deadlines.push(ctx.deadline);
      await Promise.resolve();
      if (a < 0) throw new KitError(Code.NotFound, `no account ${a}`);
      return { v: a + b };
    };
    const sub = jetstreamSubscriber(nc, consumer, work, decodeJSONMessage<{ a: number; b: number }>(), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const client = jetstreamPublisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const ctx = timed(5_000);
    await expect(client(ctx, { a: 2, b: 3 })).resolves.toEqual({ v: 5 });
    expect(Math.abs((deadlines[0] ?? 0) - (ctx.deadline ?? 0))).toBeLessThan(1_000);
    const { error } = await settle(client(timed(5_000), { a: -1, b: 0 }));
    expect(error?.code).toBe("not_found");
    expect(error?.message).toBe("no account -1");
  });

  it("fails the caller with deadline_exceeded when the reply is late", async () => {
    const consumer = await durable();
    const slow: Endpoint<unknown, string> = async () => {
      await sleep(3_000);
      return "late";
    };
    const sub = jetstreamSubscriber(nc, consumer, slow, decodeJSONMessage(), encodeJSONMessage, { maxAttempts: 1 });
    cleanup.push(() => sub.close());
    const client = jetstreamPublisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const started = Date.now();
    const { error } = await settle(client(timed(500), {}));
    expect(error?.code).toBe("deadline_exceeded");
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("publishes with a PubAck, and is unavailable for a subject no stream captures", async () => {
    const publish = jetstreamPublisher(nc, subject, encodeJSONMessage, undefined);
    await publish(timed(5_000), { id: 1 });
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
    const nowhere = jetstreamPublisher(nc, `${subject}.nowhere.x`, encodeJSONMessage, undefined);
    const { error } = await settle(nowhere(timed(5_000), { id: 2 }));
    expect(error?.code).toBe("unavailable");
  });

  it("handles 10,000 messages with concurrency 16: each once, each acknowledged once, none left", async () => {
    const publish = jetstreamPublisher(nc, subject, encodeJSONMessage, undefined);
    await inBatches(10_000, 128, (id) => publish(timed(30_000), { id }));
    const consumer = await durable();
    let running = 0;
    let peak = 0;
    const handled = new Map<number, number>();
    const acked = new Map<number, number>();
    const work: Endpoint<Job, void> = async (_ctx, { id }) => {
      running += 1;
      peak = Math.max(peak, running);
      handled.set(id, (handled.get(id) ?? 0) + 1);
      await sleep(0);
      running -= 1;
    };
    const finalizer = [
      (_ctx: Context, outcome: MessageOutcome): void => {
        if (outcome.decision !== "succeeded") return;
        const { id } = JSON.parse(new TextDecoder().decode(outcome.message.body)) as Job;
        acked.set(id, (acked.get(id) ?? 0) + 1);
      },
    ];
    const sub = jetstreamSubscriber(nc, consumer, work, decodeJSONMessage<Job>(), encodeJSONMessage, { concurrency: 16, finalizer });
    cleanup.push(() => sub.close());
    await until("10,000 acknowledgements", () => acked.size === 10_000, { timeout: 90_000 });
    await sub.close();
    expect(handled.size).toBe(10_000);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(peak).toBeLessThanOrEqual(16);
    expect(await consumerState()).toEqual({ pending: 0, ackPending: 0, redelivered: 0, acked: 10_000, delivered: 10_000 });
  }, 180_000);

  it("redelivers every message a dead consumer held to another consumer, losing none", async () => {
    const publish = jetstreamPublisher(nc, subject, encodeJSONMessage, undefined);
    await inBatches(8, 8, (id) => publish(timed(5_000), { id }));
    const doomed = await connectNats();
    await durable("workers", 2_000); // redelivered 2 s after the last sign of life
    const doomedConsumer = await jetstream(doomed).consumers.get(stream, "workers");
    const hang = gate();
    const held: number[] = [];
    const stuck: Endpoint<Job, void> = async (_ctx, { id }) => {
      held.push(id);
      await hang.promise;
    };
    const dying = jetstreamSubscriber(doomed, doomedConsumer, stuck, decodeJSONMessage<Job>(), encodeJSONMessage, { concurrency: 8, closeTimeout: 1_000 });
    await until("8 messages in flight", () => held.length === 8, { timeout: 15_000 });
    await doomed.close(); // dies without acking

    const handled: { id: number; attempt: number }[] = [];
    const finalizer = [
      (_ctx: Context, outcome: MessageOutcome): void => {
        if (outcome.decision === "succeeded") {
          handled.push({ id: (JSON.parse(new TextDecoder().decode(outcome.message.body)) as Job).id, attempt: outcome.attempt });
        }
      },
    ];
    const survivor = jetstreamSubscriber(nc, await jetstream(nc).consumers.get(stream, "workers"), () => Promise.resolve(), decodeJSONMessage<Job>(), encodeJSONMessage, { finalizer });
    cleanup.push(() => survivor.close());
    await until("the 8 messages to be redelivered and handled", () => handled.length === 8, { timeout: 20_000 });
    expect(handled.map((h) => h.id).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(handled.every((h) => h.attempt === 2)).toBe(true);
    await until("nothing left on the consumer", async () => {
      const state = await consumerState();
      return state.pending === 0 && state.ackPending === 0;
    }, { timeout: 15_000 });
    hang.open();
    await dying.close();
  }, 60_000);

  it("sends a poison message to the dead letter exactly once, with its error, terminates it, and goes on", async () => {
    const consumer = await durable();
    const handled: number[] = [];
    const sub = jetstreamSubscriber(nc, consumer, (_ctx, { id }: Job) => {
      handled.push(id);
      return Promise.resolve();
    }, decodeJSONMessage<Job>(), encodeJSONMessage, { deadLetter });
    cleanup.push(() => sub.close());
    const h = natsHeaders();
    h.set("x-trace", "abc");
    await jetstream(nc).publish(subject, "not json", { headers: h });
    const publish = jetstreamPublisher(nc, subject, encodeJSONMessage, undefined);
    for (const id of [1, 2, 3]) await publish(timed(5_000), { id });
    await until("the good messages", () => handled.length === 3, { timeout: 15_000 });
    await until("the consumer to be empty", async () => (await consumerState()).ackPending === 0, { timeout: 15_000 });
    await sleep(300);
    const dead = await jsm.streams.info(`${stream}_DEAD`);
    expect(dead.state.messages).toBe(1);
    const letter = await jsm.streams.getMessage(`${stream}_DEAD`, { seq: 1 });
    expect(letter?.string()).toBe("not json");
    expect(letter?.header.get("kit-error-code")).toBe("invalid_argument");
    expect(letter?.header.get("kit-attempts")).toBe("1");
    expect(letter?.header.get("x-trace")).toBe("abc");
    expect(handled).toEqual([1, 2, 3]);
    expect(await consumerState()).toEqual({ pending: 0, ackPending: 0, redelivered: 0, acked: 4, delivered: 4 });
  });

  it("retries a retryable failure by redelivery with the server's delivery count, then dead-letters it after maxAttempts", async () => {
    const consumer = await durable();
    const attempts: number[] = [];
    const failing: Endpoint<Job, void> = () => Promise.reject(new KitError(Code.Unavailable, "downstream is down"));
    const finalizer = [
      (_ctx: Context, outcome: MessageOutcome): void => {
        attempts.push(outcome.attempt);
      },
    ];
    const sub = jetstreamSubscriber(nc, consumer, failing, decodeJSONMessage<Job>(), encodeJSONMessage, {
      deadLetter,
      maxAttempts: 3,
      backoff: exponentialBackoff({ base: 20, max: 50 }),
      finalizer,
    });
    cleanup.push(() => sub.close());
    await jetstreamPublisher(nc, subject, encodeJSONMessage, undefined)(timed(5_000), { id: 9 });
    await until("the dead letter", async () => (await jsm.streams.info(`${stream}_DEAD`)).state.messages === 1, { timeout: 15_000 });
    expect(attempts).toEqual([1, 2, 3]);
    const letter = await jsm.streams.getMessage(`${stream}_DEAD`, { seq: 1 });
    expect(letter?.header.get("kit-error-code")).toBe("unavailable");
    expect(letter?.header.get("kit-attempts")).toBe("3");
    await until("the message to be terminated", async () => (await consumerState()).ackPending === 0, { timeout: 15_000 });
    expect(await consumerState()).toMatchObject({ pending: 0, ackPending: 0, delivered: 3 });
  });

  it("keeps a slow message its own with working(): no redelivery past ack_wait", async () => {
    const consumer = await durable("workers", 3_000);
    const outcomes: string[] = [];
    const finalizer = [
      (_ctx: Context, outcome: MessageOutcome): void => {
        outcomes.push(`${outcome.decision} ${outcome.attempt}`);
      },
    ];
    const sub = jetstreamSubscriber(nc, consumer, () => sleep(7_000), decodeJSONMessage<Job>(), encodeJSONMessage, { finalizer });
    cleanup.push(() => sub.close());
    await jetstream(nc).publish(subject, JSON.stringify({ id: 1 })); // no kit-timeout: no deadline
    await until("the slow message to be acknowledged", () => outcomes.length === 1, { timeout: 15_000 });
    expect(outcomes).toEqual(["succeeded 1"]);
    expect(await consumerState()).toEqual({ pending: 0, ackPending: 0, redelivered: 0, acked: 1, delivered: 1 });
  });

  it("waits ackTimeout for a dead letter's PubAck (timeout, its old name, still works), then leaves the message to be delivered again", async () => {
    const silent = `${subject}.silent`; // a core subscriber that never answers: no PubAck comes
    const listener = nc.subscribe(silent);
    cleanup.push(() => {
      listener.unsubscribe();
      return Promise.resolve();
    });
    const reports = new Map<string, { at: number; err: KitError }[]>();
    const options = (name: string) => ({
      deadLetter: silent,
      errorHandler: {
        handle: (_ctx: Context, err: KitError) => {
          if (err.message.includes(silent)) reports.set(name, [...(reports.get(name) ?? []), { at: Date.now(), err }]); // the dead letter's, not the decode error's
        },
      },
    });
    const subs = [
      jetstreamSubscriber(nc, await durable("acks"), () => Promise.resolve(), decodeJSONMessage<Job>(), encodeJSONMessage, { ...options("ackTimeout"), ackTimeout: 300 }),
      // the old name must keep working
      jetstreamSubscriber(nc, await durable("old"), () => Promise.resolve(), decodeJSONMessage<Job>(), encodeJSONMessage, { ...options("timeout"), timeout: 300 }),
    ];
    for (const sub of subs) cleanup.push(() => sub.close());
    const sent = Date.now();
    await jetstream(nc).publish(subject, "not json");
    await until("a failed dead letter on each", () => reports.size === 2);
    const first = (name: string): { bound: boolean; soon: boolean } => {
      const report = reports.get(name)?.[0];
      return { bound: (report?.err.message ?? "").includes("300 ms"), soon: (report?.at ?? Infinity) - sent < 2_500 }; // not the 5 000 ms default
    };
    expect({ ackTimeout: first("ackTimeout"), timeout: first("timeout") }).toEqual({ ackTimeout: { bound: true, soon: true }, timeout: { bound: true, soon: true } });
    await sleep(200);
    expect((await consumerState("acks")).ackPending + (await consumerState("acks")).pending).toBeGreaterThan(0); // not terminated
  });

  it("without a dead letter subject, terminates a poison message and reports it as data_loss", async () => {
    const consumer = await durable();
    const reported: KitError[] = [];
    const sub = jetstreamSubscriber(nc, consumer, () => Promise.resolve(), decodeJSONMessage<Job>(), encodeJSONMessage, {
      errorHandler: { handle: (_ctx, err) => reported.push(err) },
    });
    cleanup.push(() => sub.close());
    await jetstream(nc).publish(subject, "{{");
    await until("the report", () => reported.some((err) => err.code === "data_loss"), { timeout: 15_000 });
    await until("the message to be terminated", async () => (await consumerState()).ackPending === 0, { timeout: 15_000 });
    expect(await consumerState()).toMatchObject({ pending: 0, ackPending: 0, redelivered: 0 });
  });

  it("close() with 100 slow messages in flight acknowledges all of them before it returns and takes no new one", async () => {
    const publish = jetstreamPublisher(nc, subject, encodeJSONMessage, undefined);
    await inBatches(100, 50, (id) => publish(timed(5_000), { id }));
    const consumer = await durable();
    let started = 0;
    let finished = 0;
    const slow: Endpoint<Job, void> = async () => {
      started += 1;
      await sleep(500);
      finished += 1;
    };
    const sub = jetstreamSubscriber(nc, consumer, slow, decodeJSONMessage<Job>(), encodeJSONMessage, { concurrency: 100 });
    await until("100 messages in flight", () => started === 100, { timeout: 15_000 });
    const closing = sub.close();
    await inBatches(20, 20, (id) => publish(timed(5_000), { id: 100 + id }));
    await closing;
    expect(finished).toBe(100);
    expect(started).toBe(100);
    expect(await consumerState()).toEqual({ pending: 20, ackPending: 0, redelivered: 0, acked: 100, delivered: 100 });
  }, 60_000);
});
