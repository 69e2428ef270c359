// The message-subscriber runtime of `@kit/transport` against a hand-written consume loop, in
// one process, with no broker: what the runtime itself costs per message, which every Kit
// message transport (NATS, AMQP, Kafka, SQS) pays on top of its broker client.
//
// Both consume the same 1,000,000 in-memory messages with 64 running at once and, for each,
// decode the body (pass-through), call the same endpoint (an async echo), write the reply into
// a new message where there is a reply address, and acknowledge it. Two sets of messages:
// requests with a reply address and no deadline (as on NATS and RabbitMQ), then events with a
// `kit-timeout` header and no reply address (as on Kafka and SQS):
// - hand-written: 64 workers taking messages off a shared list, as a user without Kit would
//   write it (no deadlines, no retries, no dead letters, no drain);
// - kit runSubscriber: the runtime with a driver over the same list (`receive` hands out what is
//   asked for; `reply` is a no-op and `ack` is done when it returns, as Kafka's), with its ack
//   after success, `kit-timeout` handling, retry and dead-letter decisions, and `close()`
//   bookkeeping.
//
// Rounds alternate the two; medians are kept. Bytes a message (B/op) is the growth of the used
// heap over a run of a few thousand messages, the median of several runs (one that a garbage
// collection ran through reads low, and the median ignores it): what a loaded machine moves least. Reported, not a target: the transport benchmarks
// (nats, amqp, kafka, sqs) carry the targets; this shows how much of their gap is the runtime.
import { getHeapStatistics } from "node:v8";
import { background, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Message, type OutgoingMessage } from "@kit/transport";
import { runSubscriber, type MessageDriver } from "@kit/transport/driver";
import { printTable, type Result } from "./harness.ts";

const MESSAGES = 1_000_000;
const CONCURRENCY = 64;
const ROUNDS = 7;
/** Messages per sample of the bytes a message allocates, and how many samples. */
const ALLOCATION_MESSAGES = 4_000;
const ALLOCATION_SAMPLES = 15;

const body = new Uint8Array(64).fill(120);
/** A request: a reply address, no deadline (NATS, AMQP). */
const request: Message = { body, headers: { get: (): undefined => undefined, set: (): void => undefined }, attempt: 1, reply: "inbox" };
/** An event with a deadline and no reply address (Kafka, SQS): a `kit-timeout` of 10 minutes. */
const event: Message = { body, headers: { get: (name) => (name === "kit-timeout" ? "600000" : undefined), set: (): void => undefined }, attempt: 1 };

const echo: Endpoint<Uint8Array, Uint8Array> = (_ctx, request) => Promise.resolve(request);
const decodeBytes: DecodeMessage<Uint8Array> = (_ctx, message) => message.body;
const encodeBytes: EncodeMessage<Uint8Array> = (_ctx, response, message) => {
  message.body = response;
};

const ctx = background();
let sink = 0; // what each case acknowledged, checked after the round
const done = Promise.resolve();

/**
 * A consume loop without Kit: 64 workers over the list, each decoding, calling, encoding and
 * acknowledging, all with the one background context (nothing can cancel a message).
 */
async function handWritten(messages: readonly Message[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const message = messages[next++];
      if (message === undefined) return;
      const response = await echo(ctx, decodeBytes(ctx, message) as Uint8Array);
      if (message.reply !== undefined) {
        const reply: OutgoingMessage = { body: new Uint8Array(0), headers: new Map() };
        await encodeBytes(ctx, response, reply);
        await done; // the reply, which costs nothing here
      }
      // the ack: done at once, as the driver's below (and Kafka's)
      sink += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** The same list through `runSubscriber`; resolves when every message was acknowledged. */
async function kit(messages: readonly Message[]): Promise<void> {
  let next = 0;
  let acked = 0;
  let finished: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const driver: MessageDriver = {
    retry: "in-place",
    receive: (max) => {
      if (next >= messages.length) return new Promise<never>(() => undefined); // nothing more until close
      const taken = messages.slice(next, next + max);
      next += taken.length;
      return Promise.resolve(taken);
    },
    ack: () => {
      sink += 1;
      if (++acked === messages.length) finished();
      return undefined; // done at once, as Kafka's
    },
    release: () => done,
    deadLetter: () => done,
    reply: () => done,
  };
  const sub = runSubscriber(driver, echo, decodeBytes, encodeBytes, { concurrency: CONCURRENCY, closeTimeout: 0 });
  await all;
  await sub.close();
}

/** Bytes on the JS heap one message costs `run`: the median growth of the used heap over short runs. */
async function bytesPerMessage(run: (messages: readonly Message[]) => Promise<void>, messages: readonly Message[]): Promise<number> {
  const sample = messages.slice(0, ALLOCATION_MESSAGES);
  const sizes: number[] = [];
  for (let s = 0; s < ALLOCATION_SAMPLES; s++) {
    const before = getHeapStatistics().used_heap_size;
    await run(sample);
    sizes.push((getHeapStatistics().used_heap_size - before) / sample.length);
  }
  sizes.sort((a, b) => a - b);
  return Math.max(0, sizes[sizes.length >> 1] ?? 0);
}

/** Both cases on the same messages in alternating rounds; prints the table and the runtime's cost. */
async function compareOn(title: string, messages: readonly Message[]): Promise<void> {
  const cases = [
    { name: "hand-written loop", run: handWritten },
    { name: "kit runSubscriber", run: kit },
  ];
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await c.run(messages); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
      sink = 0;
      const start = process.hrtime.bigint();
      await c.run(messages);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (sink !== MESSAGES) throw new Error(`${c.name} acknowledged ${String(sink)} of ${String(MESSAGES)}`);
      rates.get(c.name)?.push(MESSAGES / seconds);
    }
  }
  const results: Result[] = [];
  for (const { name, run } of cases) {
    const sorted = [...(rates.get(name) ?? [])].sort((a, b) => a - b);
    const bytesPerOp = await bytesPerMessage(run, messages);
    results.push({ name, opsPerSec: sorted[sorted.length >> 1] ?? 0, range: [sorted[0] ?? 0, sorted[sorted.length - 1] ?? 0] as const, bytesPerOp });
  }
  printTable(`${title}: ${MESSAGES.toLocaleString("en-US")} messages, ${String(CONCURRENCY)} at once (messages per second)`, results, "hand-written loop");
  const [plain, runtime] = results.map((r) => 1e6 / r.opsPerSec);
  console.log(`\nthe runtime costs ${((runtime ?? 0) - (plain ?? 0)).toFixed(2)} µs a message more than the hand-written loop (${(plain ?? 0).toFixed(2)} → ${(runtime ?? 0).toFixed(2)} µs)\n`);
}

await compareOn("Requests with a reply address, no deadline", Array.from({ length: MESSAGES }, () => request));
await compareOn("Events with a kit-timeout, no reply", Array.from({ length: MESSAGES }, () => event));
