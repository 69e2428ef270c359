import { randomUUID } from "node:crypto";
import { type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { subscriber } from "@kit/transport-kafka";
import { Kafka, logLevel } from "kafkajs";
const side = process.argv[2] ?? "kit";
const ROUNDS = Number(process.argv[3] ?? 4);
const RECORDS = 100_000;
const kafka = new Kafka({ clientId: "x", brokers: ["127.0.0.1:9092"], logLevel: logLevel.NOTHING });
const topic = process.env.XTOPIC ?? "x-kprof-100k";
const admin = kafka.admin(); await admin.connect();
const existing = await admin.listTopics();
if (!existing.includes(topic)) {
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  const p = kafka.producer(); await p.connect();
  for (let i = 0; i < RECORDS; i += 1000) await p.send({ topic, acks: -1, messages: Array.from({ length: 1000 }, (_, j) => ({ key: String(i + j), value: JSON.stringify({ id: i + j, a: 1, b: 2 }), headers: { "content-type": "application/json", "kit-timeout": "599999" } })) });
  await p.disconnect();
}
await admin.disconnect();
type Sum = { id: number; a: number; b: number };
for (let r = 0; r < ROUNDS; r++) {
  let count = 0; let first = 0n; let cpu = process.cpuUsage();
  let resolve: () => void = () => undefined; const done = new Promise<void>((r) => (resolve = r));
  const tick = () => { if (count === 0) { first = process.hrtime.bigint(); cpu = process.cpuUsage(); } count += 1; if (count === RECORDS) resolve(); };
  let close: () => Promise<void>;
  if (side === "kit") {
    const handle: Endpoint<Sum, void> = (_ctx, sum) => { if (sum.a + sum.b !== 3) return Promise.reject(new Error("x")); tick(); return Promise.resolve(); };
    const sub = await subscriber(kafka, topic, handle, decodeJSONMessage<Sum>(), encodeJSONMessage, { groupId: `x-${randomUUID()}`, fromBeginning: true, concurrency: 16 });
    close = () => sub.close();
  } else {
    const consumer = kafka.consumer({ groupId: `x-${randomUUID()}`, maxWaitTimeInMs: 500 });
    await consumer.connect(); await consumer.subscribe({ topic, fromBeginning: true });
    void consumer.run({ partitionsConsumedConcurrently: 4, eachMessage: async ({ message }) => { const sum = JSON.parse(message.value?.toString() ?? "null") as Sum; if (sum.a + sum.b !== 3) throw new Error("x"); tick(); } });
    close = () => consumer.disconnect();
  }
  await done;
  const used = process.cpuUsage(cpu);
  console.log(side, "rate", Math.round(RECORDS * 1e9 / Number(process.hrtime.bigint() - first)), "cpu µs/rec", ((used.user + used.system) / RECORDS).toFixed(2));
  await close();
}
