// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092): `bash scripts/kafka.sh start`.
// A subscriber in a child process is killed (SIGKILL) while it holds records; another member
// of the same group gets them all again.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { committed, connectAdmin, connectProducer, newKafka, produceAll, Topics, unique } from "../test/broker.ts";
import { subscriber } from "./subscriber.ts";

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;
let child: ChildProcess | undefined;

beforeAll(async () => {
  kafka = newKafka("kit-killed-test");
  admin = await connectAdmin(kafka);
  topics = new Topics(admin);
  producer = await connectProducer(kafka);
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

it("redelivers to another member the records a killed consumer held uncommitted", async () => {
  const topic = await topics.create("kit-killed", 2);
  const groupId = unique("kit-killed");
  const ids = Array.from({ length: 20 }, (_, id) => id);
  await produceAll(producer, topic, ids.map((id) => ({ key: `k${id % 2}`, partition: id % 2, value: JSON.stringify({ id }) })));

  const script = fileURLToPath(new URL("../test/child-subscriber.ts", import.meta.url));
  const proc = spawn(process.execPath, [script, topic, groupId], { stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  let startedInChild: number[] = [];
  let output = "";
  proc.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    startedInChild = Array.from(output.matchAll(/started (\d+)\n/g), (match) => Number(match[1]));
  });
  proc.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await until(() => `the child to start 2 records (it started ${startedInChild.length}; its output: ${output})`, () => startedInChild.length >= 2, { timeout: 45_000 });
  proc.kill("SIGKILL");
  await new Promise((resolve) => proc.once("exit", resolve));
  expect(await committed(admin, groupId, topic)).toEqual(new Map([[0, "-1"], [1, "-1"]])); // it committed nothing

  const handled = new Map<number, number>();
  const handle: Endpoint<{ id: number }, void> = async (_ctx, job) => {
    handled.set(job.id, (handled.get(job.id) ?? 0) + 1);
    await Promise.resolve();
  };
  const survivor = await subscriber(kafka, topic, handle, decodeJSONMessage<{ id: number }>(), encodeJSONMessage, {
    groupId,
    fromBeginning: true,
    consumer: { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 },
  });
  await until(() => `the survivor to handle all ${ids.length} (it handled ${handled.size})`, () => handled.size === ids.length, { timeout: 60_000 });
  await survivor.close();
  expect(startedInChild.every((id) => handled.get(id) === 1)).toBe(true); // what the dead consumer held came again, once
  expect([...handled.keys()].sort((x, y) => x - y)).toEqual(ids);
}, 120_000);
