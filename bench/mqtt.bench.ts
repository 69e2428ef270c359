// Kit's MQTT transport against raw mqtt.js, on the same broker (Mosquitto on 127.0.0.1:1883,
// MQTT_URL overrides), doing the same work: publish at QoS 1 and wait for each PUBACK, 100 in
// flight; consume at QoS 1 on a persistent session (receive maximum 16), handle each message,
// then acknowledge it (PUBACK after the handler).
//
// - raw: `publishAsync(topic, body, { qos: 1, properties: { userProperties: { content-type } } })`;
//   the consumer overrides `handleMessage`, mqtt.js's hook that runs before its PUBACK, parses
//   the JSON body and does the work, then lets mqtt.js acknowledge (one message at a time, the
//   way mqtt.js holds a PUBACK back);
// - Kit: `publisher` (resolves on the PUBACK) and `subscriber` with concurrency 16 (its PUBACK
//   after the endpoint, on Kit's runtime).
// Both send the same JSON bodies ({ a: n, b: 1 }) with the same content-type user property, and
// both keep at most 500 messages between the producer and the consumer (Mosquitto drops what a
// session queues past max_queued_messages, 1000 by default). A round runs one side's producer
// and consumer together and times ROUND messages from the first publish to the last handled;
// rounds alternate which side goes first. The table shows the medians, and the target is checked
// on the ratio of the medians; also printed: the median of each round's own Kit/raw ratio, and
// this process's CPU time per message.
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-mqtt";
import { connect, connectAsync, type MqttClient } from "mqtt";
import { printTable, ratio, type Result } from "./harness.ts";

const TARGET = 0.9;
const ROUND = 4_000;
const ROUNDS = 9;
const WINDOW = 500;
const url = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const run = randomUUID().slice(0, 8);

interface Job {
  readonly a: number;
  readonly b: number;
}
let checksum = 0;
const work = (job: Job): void => {
  checksum += job.a + job.b;
};
/** How many messages each side handled: ROUND a round, or more when the broker delivered some twice. */
const handledBy = { raw: 0, kit: 0 };

/** A consumer's client: MQTT 5, a persistent session, 16 messages in flight. */
function sessionClient(side: string): MqttClient {
  return connect(url, { protocolVersion: 5, clientId: `kit-bench-${side}-${run}`, clean: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 16 } });
}

/** Publishes ROUND messages with `inFlight` at once, never more than WINDOW ahead of `handled()`. */
async function produce(publish: (n: number) => Promise<unknown>, handled: () => number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ROUND) {
      while (next - handled() >= WINDOW) await new Promise((resolve) => setImmediate(resolve));
      await publish(next++);
    }
  };
  await Promise.all(Array.from({ length: 100 }, worker));
}

/** The raw side: a publisher client and a consumer acknowledging after its handler. */
async function rawSide(): Promise<{ round: () => Promise<void>; close: () => Promise<void> }> {
  const topic = `kit-bench/raw/${run}`;
  const consumer = sessionClient("raw");
  let handled = 0;
  let target = 0;
  let done: () => void = () => undefined;
  consumer.handleMessage = (packet, callback) => {
    work(JSON.parse((packet.payload as Buffer).toString("utf8")) as Job);
    handledBy.raw++;
    if (++handled === target) done();
    callback(); // mqtt.js sends the PUBACK now
  };
  await new Promise((resolve) => consumer.once("connect", resolve));
  await consumer.subscribeAsync(topic, { qos: 1 });
  const producer = await connectAsync(url, { protocolVersion: 5 });
  const properties = { userProperties: { "content-type": "application/json" } };
  return {
    round: async () => {
      target = handled + ROUND;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const base = handled;
      await produce((n) => producer.publishAsync(topic, JSON.stringify({ a: n, b: 1 }), { qos: 1, properties }), () => handled - base);
      await finished;
    },
    close: async () => {
      await consumer.unsubscribeAsync(topic);
      await Promise.all([consumer.endAsync(), producer.endAsync()]);
    },
  };
}

/** The Kit side: `publisher` and `subscriber`. */
async function kitSide(): Promise<{ round: () => Promise<void>; close: () => Promise<void> }> {
  const topic = `kit-bench/kit/${run}`;
  const consumer = sessionClient("kit");
  let handled = 0;
  let target = 0;
  let done: () => void = () => undefined;
  const handle: Endpoint<Job, undefined> = (_ctx, job) => {
    work(job);
    handledBy.kit++;
    if (++handled === target) done();
    return Promise.resolve(undefined);
  };
  const sub = subscriber(consumer, topic, handle, decodeJSONMessage<Job>(), encodeJSONMessage, { concurrency: 16, deadLetterTopic: `${topic}/dead` });
  await sub.ready;
  const producer = await connectAsync(url, { protocolVersion: 5 });
  const send = publisher(producer, topic, encodeJSONMessage, undefined);
  return {
    round: async () => {
      target = handled + ROUND;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const base = handled;
      await produce((n) => send(background(), { a: n, b: 1 }), () => handled - base);
      await finished;
    },
    close: async () => {
      await sub.close();
      await consumer.unsubscribeAsync(topic);
      await Promise.all([consumer.endAsync(), producer.endAsync()]);
    },
  };
}

const sides = { raw: await rawSide(), kit: await kitSide() };
const rates = { raw: [] as number[], kit: [] as number[] };
const cpu = { raw: [] as number[], kit: [] as number[] }; // µs of this process's CPU per message
const started = Date.now();
try {
  for (let round = 0; round <= ROUNDS; round++) {
    // round 0 warms both sides up and is not counted
    const order = round % 2 === 0 ? (["raw", "kit"] as const) : (["kit", "raw"] as const);
    for (const side of order) {
      const cpuBefore = process.cpuUsage();
      const start = process.hrtime.bigint();
      await sides[side].round();
      const rate = (ROUND * 1e9) / Number(process.hrtime.bigint() - start);
      const spent = process.cpuUsage(cpuBefore);
      if (round > 0) {
        rates[side].push(rate);
        cpu[side].push((spent.user + spent.system) / ROUND);
      }
    }
  }
} finally {
  await Promise.all([sides.raw.close(), sides.kit.close()]);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
};
const result = (name: "raw" | "kit"): Result => ({ name, opsPerSec: median(rates[name]), range: [Math.min(...rates[name]), Math.max(...rates[name])], bytesPerOp: 0 });
const results = [result("raw"), result("kit")];
printTable(`MQTT: publish at QoS 1 (100 in flight), consume and acknowledge after the handler, ${String(ROUND)} messages a round (messages/s)`, results, "raw");
const kitToRaw = ratio(results, "kit", "raw");
const paired = median(rates.kit.map((rate, i) => rate / (rates.raw[i] ?? Number.NaN)));
console.log(`\nmedian of the rounds' own Kit/raw ratios: ${paired.toFixed(2)}`);
console.log(`\nCPU of this process per message (median µs): raw ${median(cpu.raw).toFixed(0)}, Kit ${median(cpu.kit).toFixed(0)}`);
const expected = ROUND * (ROUNDS + 1);
console.log(`\nhandled: raw ${String(handledBy.raw)}, Kit ${String(handledBy.kit)} of ${String(expected)} sent to each (more: delivered twice)`);
const met = kitToRaw >= TARGET;
console.log(
  `\ntarget: Kit MQTT ≥ ${TARGET.toFixed(2)} × raw mqtt.js: ${met ? "MET" : "NOT MET"} (${kitToRaw.toFixed(2)}); ${((Date.now() - started) / 1000).toFixed(1)} s, checksum ${String(checksum)}`,
);
if (!met) process.exitCode = 1;
