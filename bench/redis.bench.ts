// Kit's Redis Streams transport against a raw node-redis loop, on the same Redis (127.0.0.1:6379,
// REDIS_URL overrides), in one run.
//
// Each round, each side adds ROUND entries with 100 in flight, then consumes its own stream:
// - raw: `XADD` calls (100 at once, node-redis pipelines them); then the loop users write by
//   hand, on a connection of its own: `XREADGROUP … COUNT 16 BLOCK 1000 … >` → handle each →
//   one `XACK` of the ids read, awaited before the next read;
// - Kit: `publisher` calls (100 at once); then `subscriber` with its default concurrency (16),
//   which reads no more than its free slots, acks after each endpoint (acks of one turn of the
//   event loop go in one `XACK`), and keeps its reclaim (`XAUTOCLAIM`) and heartbeat running.
// Both add the same entries: the same JSON bodies ({ a: n, b: 1 }) and a content-type field
// (what Kit's JSON codec writes). The handler is the same trivial work on both sides (parse the
// JSON body, add two numbers). Rounds alternate which side goes first (produce-consume.ts); the
// table shows the medians and the ratio of the medians, which the target is checked on. Also
// printed: the median of each round's own Kit/raw ratio, this process's CPU time per entry, and
// the latency of one `XADD` at a time (p50/p99, Kit's publisher and the raw call in alternating
// rounds).
//
// Where the publisher's time goes (node --cpu-prof, strace; measured on a 2-core machine loaded by
// other work): both sides pipeline alike (2,001 writev calls for 200,000 XADDs on each side,
// 23,089,014 bytes each: the same bytes, 100 commands a write), and node-redis writes once per
// turn of the event loop, so the client and Redis take turns and each µs of client CPU per entry
// shows in the rate. Kit's extra CPU per entry was 0.6-1.4 µs (more the more loaded the machine):
// the JSON codec turning the text into bytes (Buffer.from) and the driver turning them back into a
// string, 0.3-0.4 µs (a `Buffer` argument instead costs node-redis a write of its own per command:
// about 0.4 µs more); the message runtime's per-call work (the message, its header map, the hooks,
// the deadline), 0.2-0.5 µs; building the arguments and mapping errors, under 0.1 µs. Since then
// the message the publisher writes keeps the encoder's text (`writeTextBody`, `textBody`: the
// bytes are made only if something reads `body`), this driver sends that text, and a publisher
// without hooks takes a shorter path: with a client that does no I/O the publisher's own CPU per
// entry went from 0.75 µs to 0.38 µs (the raw XADD call: 0.17 µs); here, loaded, Kit's extra CPU
// per entry from about 1.4 µs to about 0.5 µs (medians of interleaved runs). Then (2026-12-05,
// 21 interleaved batches of 100,000 calls against that client): the publisher without hooks is a
// plain function with one promise reaction on the send instead of an async function, and the
// XADD arguments are made at their final length, 0.39-0.44 → 0.35 µs a call (raw 0.16-0.18; what
// is left is the message and its header map, the JSON codec's content-type, the second promise
// that maps Redis's errors to KitErrors); with Redis, Kit's extra CPU per entry 0.25-0.45 µs.
// Consuming, Kit's extra CPU per entry (about 1.1 µs, plus about 1 ms a subscriber for its start
// and close) is the runtime's per-message work and the bytes Kit keeps: node-redis makes a Buffer
// of every id, field and value (`asBuffers`, so a body keeps its bytes), which the driver turns
// back into text for the headers; `String(buffer)` there cost twice `buffer.toString()` (readEntries
// and toMessage: 0.73 → 0.45 µs an entry). Then (2026-12-06, node --cpu-prof of 100,000 entries
// consumed, the machine at a load average of 10-20 on 2 cores): the field names and short header
// values that repeat from entry to entry are decoded once and then recognised by their bytes
// (`RecentBytes`), entries.js 0.59-0.69 → 0.30-0.37 µs an entry; this process's CPU per entry, median
// of 5 interleaved runs each, raw 3.6 / Kit 5.0 µs before, raw 2.7 / Kit 3.9 µs after. What is left
// of Kit's extra: the JSON codec's fatal UTF-8 decoding of the body's bytes (raw parses the string
// node-redis made), the runtime's per-message work (pump, attempt, settle: about 0.4 µs) and the
// driver's (the message, the held set, the batched ack: about 0.25 µs); the XREADGROUP and XACK
// calls are the same on both sides (3,125 of each for 50,000 entries: 16 entries each). Two runs of
// this bench after it, at a load average of about 20: consume 0.78 and 0.92 (the rounds' own
// ratios 0.89 and 0.93), CPU per entry read, handled and acked raw 4.2 / Kit 5.2 µs and raw 3.2 /
// Kit 3.9 µs (the day before: raw 6.0 / Kit 7.8 µs).
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-redis";
import { createClient } from "redis";
import { printTable, ratio, type Result } from "./harness.ts";
import { median, pairedRatio, percentiles, phaseResult, pool, produceConsumeRounds, sequentialCalls, type Phase, type RoundsSamples, type Side } from "./produce-consume.ts";

const TARGET = 0.9;
/**
 * Entries a round, and rounds. A round of 10,000 took about 0.03 s at raw's rate, less than one
 * time slice lost to another process, so single rounds swung from half to twice the other
 * side's rate; 50,000 a round over 15 rounds gives each side about 2.5 s of adding.
 */
const ROUND = 50_000;
const ROUNDS = 15;
/** Sequential latency: rounds per side (after a warm-up round), calls per round, and a bound on a round's time (ms). */
const SEQ_ROUNDS = 6;
const SEQ_CALLS = 1_000;
const SEQ_MS = 5_000;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const client = createClient({ url });
client.on("error", (err: Error) => {
  console.error(`redis: ${err.message}`);
});
await client.connect();

interface Job {
  readonly a: number;
  readonly b: number;
}
let checksum = 0;
const work = (job: Job): void => {
  checksum += job.a + job.b;
};

async function rawProduce(stream: string): Promise<void> {
  await pool(ROUND, 100, (i) => client.sendCommand(["XADD", stream, "*", "body", JSON.stringify({ a: i, b: 1 }), "content-type", "application/json"]));
}

async function rawConsume(stream: string): Promise<void> {
  const reader = client.duplicate();
  reader.on("error", () => undefined);
  await reader.connect();
  let handled = 0;
  try {
    while (handled < ROUND) {
      const reply = await reader.sendCommand<[string, [string, string[]][]][] | null>(["XREADGROUP", "GROUP", "g", "raw", "COUNT", "16", "BLOCK", "1000", "STREAMS", stream, ">"]);
      const entries = reply?.[0]?.[1] ?? [];
      for (const [, fields] of entries) work(JSON.parse(fields[fields.indexOf("body") + 1] ?? "{}") as Job);
      if (entries.length > 0) await client.sendCommand(["XACK", stream, "g", ...entries.map(([id]) => id)]);
      handled += entries.length;
    }
  } finally {
    reader.destroy();
  }
}

async function kitProduce(stream: string): Promise<void> {
  const send = publisher(client, stream, encodeJSONMessage, undefined);
  await pool(ROUND, 100, (i) => send(background(), { a: i, b: 1 }));
}

async function kitConsume(stream: string): Promise<void> {
  let handled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const handle: Endpoint<Job, undefined> = (_ctx, job) => {
    work(job);
    if (++handled === ROUND) done();
    return Promise.resolve(undefined);
  };
  const sub = subscriber(client, stream, handle, decodeJSONMessage<Job>(), encodeJSONMessage, { group: "g", block: 1_000 }); // the default concurrency, 16
  await finished;
  await sub.close(); // waits for the last acks
}

/**
 * One `XADD` at a time (each awaited before the next), Kit's publisher and the raw call in
 * alternating rounds of SEQ_CALLS (each bounded by SEQ_MS); the first round of each side warms
 * up and is not kept. Latencies in microseconds, into `into`.
 */
async function sequentialLatencies(into: Record<Side, number[]>): Promise<void> {
  const send = publisher(client, streams.kit, encodeJSONMessage, undefined);
  const calls: Record<Side, (i: number) => Promise<unknown>> = {
    raw: (i) => client.sendCommand(["XADD", streams.raw, "*", "body", JSON.stringify({ a: i, b: 1 }), "content-type", "application/json"]),
    kit: (i) => send(background(), { a: i, b: 1 }),
  };
  for (let round = 0; round <= SEQ_ROUNDS; round++) {
    await client.del(keys);
    for (const side of round % 2 === 0 ? (["raw", "kit"] as const) : (["kit", "raw"] as const)) {
      await sequentialCalls(calls[side], SEQ_CALLS, SEQ_MS, round === 0 ? [] : into[side]);
    }
  }
}

const suffix = randomUUID().slice(0, 8);
const streams = { raw: `kit-bench-raw-${suffix}`, kit: `kit-bench-kit-${suffix}` };
const keys = [streams.raw, streams.kit, `${streams.kit}:dead-letter`];
/** Fresh streams, each with the group "g". */
const freshStreams = async (): Promise<void> => {
  await client.del(keys);
  for (const stream of Object.values(streams)) await client.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
};
const started = Date.now();
let samples: RoundsSamples;
const latencies = { raw: [] as number[], kit: [] as number[] };
try {
  samples = await produceConsumeRounds(
    {
      raw: { produce: () => rawProduce(streams.raw), consume: () => rawConsume(streams.raw) },
      kit: { produce: () => kitProduce(streams.kit), consume: () => kitConsume(streams.kit) },
    },
    { rounds: ROUNDS, perRound: ROUND, beforeRound: freshStreams },
  );
  await sequentialLatencies(latencies);
} finally {
  await client.del(keys).catch(() => undefined);
}

const { rates, cpu } = samples;
const result = (name: Phase): Result => phaseResult(samples, name);
const produced = [result("raw produce"), result("kit produce")];
const consumed = [result("raw consume"), result("kit consume")];
printTable(`Redis Streams: XADD ${String(ROUND)} entries, 100 in flight (entries/s)`, produced, "raw produce");
printTable(`Redis Streams: read, handle and XACK ${String(ROUND)} entries, 16 at a time (entries/s)`, consumed, "raw consume");
const producing = ratio(produced, "kit produce", "raw produce");
const consuming = ratio(consumed, "kit consume", "raw consume");
console.log(
  `\nmedian of the rounds' own Kit/raw ratios: add ${pairedRatio(rates["kit produce"], rates["raw produce"]).toFixed(2)}, consume ${pairedRatio(rates["kit consume"], rates["raw consume"]).toFixed(2)}`,
);
const micros = (name: Phase): string => median(cpu[name]).toFixed(1);
console.log(
  `\nCPU of this process per entry (median µs): add raw ${micros("raw produce")}, Kit ${micros("kit produce")}; ` +
    `read, handle and ack raw ${micros("raw consume")}, Kit ${micros("kit consume")}`,
);
const seq = { raw: percentiles(latencies.raw), kit: percentiles(latencies.kit) };
console.log(
  `\nXADD one at a time (µs, ${String(seq.kit.count)} calls each): raw p50 ${seq.raw.p50.toFixed(0)}, p99 ${seq.raw.p99.toFixed(0)}; ` +
    `Kit p50 ${seq.kit.p50.toFixed(0)}, p99 ${seq.kit.p99.toFixed(0)} (Kit/raw p50 ${(seq.kit.p50 / seq.raw.p50).toFixed(2)}, p99 ${(seq.kit.p99 / seq.raw.p99).toFixed(2)})`,
);
const met = producing >= TARGET && consuming >= TARGET;
console.log(
  `\ntarget: Kit Redis Streams ≥ ${TARGET.toFixed(2)} × the raw node-redis loop: ${met ? "MET" : "NOT MET"} ` +
    `(add ${producing.toFixed(2)}, consume ${consuming.toFixed(2)}); ${((Date.now() - started) / 1000).toFixed(1)} s, checksum ${String(checksum)}`,
);
client.destroy();
if (!met) process.exitCode = 1;
