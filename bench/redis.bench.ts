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
// JSON body, add two numbers). Rounds alternate which side goes first; the table shows the
// medians and the ratio of the medians, which the target is checked on. Also printed: the median
// of each round's own Kit/raw ratio and this process's CPU time per entry.
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-redis";
import { createClient } from "redis";
import { printTable, ratio, type Result } from "./harness.ts";

const TARGET = 0.9;
const ROUND = 10_000;
const ROUNDS = 9;
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

/** Runs `task(i)` for i in [0, count) with at most `width` at once. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

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

/** Runs one phase; returns its entries per second, and records this process's CPU time per entry. */
const timed = async (name: keyof typeof cpu, run: () => Promise<void>): Promise<number> => {
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const rate = (ROUND * 1e9) / Number(process.hrtime.bigint() - start);
  const spent = process.cpuUsage(cpuBefore);
  cpu[name].push((spent.user + spent.system) / ROUND);
  return rate;
};

const suffix = randomUUID().slice(0, 8);
const streams = { raw: `kit-bench-raw-${suffix}`, kit: `kit-bench-kit-${suffix}` };
const phases = () => ({ "raw produce": [] as number[], "kit produce": [] as number[], "raw consume": [] as number[], "kit consume": [] as number[] });
const rates = phases();
const cpu = phases(); // µs of this process's CPU per entry, each phase
const started = Date.now();
try {
  for (let round = 0; round <= ROUNDS; round++) {
    // round 0 warms both sides up and is not counted; each round starts on fresh streams
    await client.del([streams.raw, streams.kit, `${streams.kit}:dead-letter`]);
    for (const stream of Object.values(streams)) await client.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const sides = round % 2 === 0 ? (["raw", "kit"] as const) : (["kit", "raw"] as const);
    const produced: number[] = [];
    for (const side of sides) produced.push(await timed(`${side} produce`, () => (side === "raw" ? rawProduce(streams.raw) : kitProduce(streams.kit))));
    const consumed: number[] = [];
    for (const side of sides) consumed.push(await timed(`${side} consume`, () => (side === "raw" ? rawConsume(streams.raw) : kitConsume(streams.kit))));
    if (round === 0) for (const list of Object.values(cpu)) list.length = 0;
    else
      sides.forEach((side, i) => {
        rates[`${side} produce`].push(produced[i] ?? Number.NaN);
        rates[`${side} consume`].push(consumed[i] ?? Number.NaN);
      });
  }
} finally {
  await client.del([streams.raw, streams.kit, `${streams.kit}:dead-letter`]).catch(() => undefined);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
};
const result = (name: keyof typeof rates): Result => ({
  name,
  opsPerSec: median(rates[name]),
  range: [Math.min(...rates[name]), Math.max(...rates[name])],
  bytesPerOp: 0,
});
const produced = [result("raw produce"), result("kit produce")];
const consumed = [result("raw consume"), result("kit consume")];
printTable(`Redis Streams: XADD ${String(ROUND)} entries, 100 in flight (entries/s)`, produced, "raw produce");
printTable(`Redis Streams: read, handle and XACK ${String(ROUND)} entries, 16 at a time (entries/s)`, consumed, "raw consume");
const producing = ratio(produced, "kit produce", "raw produce");
const consuming = ratio(consumed, "kit consume", "raw consume");
const paired = (kit: readonly number[], raw: readonly number[]): number => median(kit.map((rate, i) => rate / (raw[i] ?? Number.NaN)));
console.log(
  `\nmedian of the rounds' own Kit/raw ratios: add ${paired(rates["kit produce"], rates["raw produce"]).toFixed(2)}, consume ${paired(rates["kit consume"], rates["raw consume"]).toFixed(2)}`,
);
const micros = (name: keyof typeof cpu): string => median(cpu[name]).toFixed(1);
console.log(
  `\nCPU of this process per entry (median µs): add raw ${micros("raw produce")}, Kit ${micros("kit produce")}; ` +
    `read, handle and ack raw ${micros("raw consume")}, Kit ${micros("kit consume")}`,
);
const met = producing >= TARGET && consuming >= TARGET;
console.log(
  `\ntarget: Kit Redis Streams ≥ ${TARGET.toFixed(2)} × the raw node-redis loop: ${met ? "MET" : "NOT MET"} ` +
    `(add ${producing.toFixed(2)}, consume ${consuming.toFixed(2)}); ${((Date.now() - started) / 1000).toFixed(1)} s, checksum ${String(checksum)}`,
);
client.destroy();
if (!met) process.exitCode = 1;
