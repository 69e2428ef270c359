// The conformance suite of @kit/transport/testing against the real Redis (REDIS_URL, default
// redis://127.0.0.1:6379), each case on a stream of its own with a consumer group made for it;
// the broker-restart case on a redis-server of the test's own (test/own-redis.ts, port 20760,
// KIT_REDIS_CONFORMANCE_PORT overrides).
import { randomUUID } from "node:crypto";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { afterAll, beforeAll, describe, test } from "vitest";
import { bodyField } from "../src/headers.ts";
import { asBuffers, readEntries } from "../src/internal/entries.ts";
import { publisher } from "../src/publisher.ts";
import { replyStream, type RedisReplyStream } from "../src/reply-stream.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnRedis } from "./own-redis.ts";
import { connect, redisUrl } from "./redis.ts";

type Client = Awaited<ReturnType<typeof connect>>;

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();
/** The group every case's stream is read by (made with the stream, so what is sent before a subscriber starts waits for it). */
const group = "workers";
/** How long an entry of a killed consumer stays pending before another claims it (ms): the suite's redelivery delay. */
const claimIdle = 1_000;

/**
 * A harness for the Redis at `url`, on `client`: each address is a stream with its group; the
 * reply streams its requesters made are closed, and the keys deleted, by `cleanup()`.
 */
function redisHarness(name: string, client: () => Client, url: string): { harness: ConformanceHarness; cleanup: () => Promise<void> } {
  const keys: string[] = [];
  const replyStreams: RedisReplyStream[] = [];
  const publishRaw = async (stream: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<void> => {
    await client().sendCommand(["XADD", stream, "*", bodyField, Buffer.from(body), ...Object.entries(headers).flat()]);
  };
  const harness: ConformanceHarness = {
    name,
    address: async (label) => {
      const stream = `kit-conformance:${label}:${randomUUID().slice(0, 8)}`;
      keys.push(stream, `${stream}:dead-letter`);
      await client().sendCommand(["XGROUP", "CREATE", stream, group, "$", "MKSTREAM"]);
      return stream;
    },
    serve: (stream, endpoint, options) => subscriber(client(), stream, endpoint, decode, encodeJSONMessage, { group, claimIdle, ...options }),
    requester: (stream, options) => {
      const replies = replyStream(client(), `${stream}:replies:${randomUUID().slice(0, 8)}`, { errorHandler: { handle: () => undefined } });
      replyStreams.push(replies);
      return publisher<Probe, ProbeReply>(client(), stream, encodeJSONMessage, decodeReply, { ...options, replies });
    },
    publisher: (stream, options) => publisher<Probe>(client(), stream, encodeJSONMessage, undefined, options),
    publishRaw,
    deadLetters: (stream) => deadLetters(client(), `${stream}:dead-letter`),
    // The dead-letter key holds a string, so the dead letter's XADD fails with WRONGTYPE.
    poisonWithoutDeadLetter: async (stream) => {
      await client().sendCommand(["SET", `${stream}:dead-letter`, "not a stream"]);
      await publishRaw(stream, garbageOfSize(64), {});
    },
    killableConsumer: (stream) => spawnConsumer(new URL("conformance-child.ts", import.meta.url), [url, stream, group, String(claimIdle)]),
    serveBroken: (stream) =>
      subscriber(client(), `${stream}:missing`, () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, { group, errorHandler: { handle: () => undefined } }),
    // claimIdle, then the claim scan's period (a quarter of it), with room for a loaded machine.
    redeliveryTime: 2 * claimIdle,
    listeners: () => client().eventNames().reduce((sum, event) => sum + client().listenerCount(event), 0),
  };
  const cleanup = async (): Promise<void> => {
    for (const replies of replyStreams.splice(0)) await replies.close();
    if (keys.length > 0) await client().del(keys.splice(0));
  };
  return { harness, cleanup };
}

/** The entries of a dead-letter stream, bodies as bytes and every other field as a header. */
async function deadLetters(client: Client, stream: string): Promise<ConformanceDeadLetter[]> {
  const raw = await client.sendCommand(["XRANGE", stream, "-", "+"], asBuffers);
  return readEntries(raw).map(({ fields }) => {
    const headers = new Map<string, string>();
    let body: Uint8Array = new Uint8Array();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value = fields[i + 1] ?? "";
      if (String(fields[i]) === bodyField) body = typeof value === "string" ? Buffer.from(value) : value;
      else headers.set(String(fields[i]), String(value));
    }
    return { body, headers };
  });
}

describe("Redis (the machine's server)", () => {
  let redis: Client;
  const { harness, cleanup } = redisHarness("redis", () => redis, redisUrl);
  beforeAll(async () => {
    redis = await connect();
  });
  afterAll(async () => {
    await cleanup();
    redis.destroy();
  });
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case !== "broker-restart")) test(c.name, c.run, c.timeout);
});

describe("Redis, restarted (a redis-server of the test's own)", () => {
  const port = Number(process.env.KIT_REDIS_CONFORMANCE_PORT ?? 20_760);
  let own: OwnBroker;
  let redis: Client;
  const made = redisHarness("redis (own server)", () => redis, `redis://127.0.0.1:${String(port)}`);
  const harness: ConformanceHarness = {
    ...made.harness,
    restartBroker: async () => {
      await own.stop();
      await own.start();
    },
  };
  beforeAll(async () => {
    own = await startOwnRedis(port);
    redis = await connect(own.url); // node-redis's default reconnection, as a user has it
  }, 60_000);
  afterAll(async () => {
    await made.cleanup();
    redis.destroy();
    await own.destroy();
  });
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
});
