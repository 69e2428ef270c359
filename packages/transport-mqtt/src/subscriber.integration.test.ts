// The MQTT subscriber against the real Mosquitto (127.0.0.1:1883, or MQTT_URL): volume, poison,
// garbage, retries, a consumer killed mid-flight, close() under load, and what ready says.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type MessageOutcome } from "@kit/transport";
import { connect, type MqttClient } from "mqtt";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";
import { collect, connectMqtt, mqttUrl, sessionClient, sleep, unique } from "../test/support.ts";

const clients: MqttClient[] = [];
async function client(): Promise<MqttClient> {
  const c = await connectMqtt();
  clients.push(c);
  return c;
}
function session(clientId: string, receiveMaximum?: number): MqttClient {
  const c = sessionClient(clientId, receiveMaximum);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

interface Job {
  n: number;
}
const decodeJob = decodeJSONMessage<Job>();
const fast = (): number => 10;

/** Counts how often each job ran. */
function counter(): { seen: Map<number, number>; handle: Endpoint<Job, undefined>; duplicates: () => number } {
  const seen = new Map<number, number>();
  const handle: Endpoint<Job, undefined> = (_ctx, job) => {
    seen.set(job.n, (seen.get(job.n) ?? 0) + 1);
    return Promise.resolve(undefined);
  };
  return { seen, handle, duplicates: () => [...seen.values()].reduce((sum, times) => sum + times - 1, 0) };
}

describe("MQTT subscriber", () => {
  it("handles 10,000 messages with concurrency 16: 0 lost, 0 duplicated", { timeout: 240_000 }, async () => {
    const topic = unique("kit/bulk");
    const { seen, handle, duplicates } = counter();
    const s = subscriber(session(unique("kit-sub"), 16), topic, handle, decodeJob, encodeJSONMessage, { concurrency: 16, deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    const total = 10_000;
    let sent = 0;
    // Mosquitto drops what a session queues past max_queued_messages (1000 by default): stay 500 ahead at most.
    const producer = async (): Promise<void> => {
      while (sent < total) {
        const n = sent++;
        await send(background(), { n });
        while (sent - seen.size > 500) await sleep(5);
      }
    };
    await Promise.all(Array.from({ length: 8 }, producer));
    await until("every message", () => seen.size === total, { timeout: 120_000 });
    await sleep(200);
    await s.close();
    expect({ handled: seen.size, lost: total - seen.size, duplicated: duplicates() }).toEqual({ handled: total, lost: 0, duplicated: 0 });
  });

  it("shares a group's messages between its members ($share/<group>/<topic>): each once, 0 lost", { timeout: 60_000 }, async () => {
    const topic = unique("kit/group");
    const group = unique("billing");
    const seen = new Map<number, number>();
    const byMember = [0, 0];
    const member = (i: number): Endpoint<Job, undefined> => (_ctx, job) => {
      byMember[i] = (byMember[i] ?? 0) + 1;
      seen.set(job.n, (seen.get(job.n) ?? 0) + 1);
      return Promise.resolve(undefined);
    };
    const subs = [0, 1].map((i) => subscriber(session(unique("kit-sub")), topic, member(i), decodeJob, encodeJSONMessage, { group, deadLetterTopic: `${topic}/dead` }));
    await Promise.all(subs.map((s) => s.ready));
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    for (let n = 0; n < 1_000; n++) await send(background(), { n });
    await until("every message", () => seen.size === 1_000, { timeout: 15_000 });
    await sleep(200);
    await Promise.all(subs.map((s) => s.close()));
    const duplicated = [...seen.values()].reduce((sum, times) => sum + times - 1, 0);
    expect({ handled: seen.size, duplicated }).toEqual({ handled: 1_000, duplicated: 0 });
    expect(byMember.every((count) => count > 0)).toBe(true);
  });

  it("with concurrency 1 and no group, handles a topic's messages in the order they were published, a retry in place included", async () => {
    const topic = unique("kit/order");
    const order: number[] = [];
    let failedOnce = false;
    const s = subscriber(session(unique("kit-sub"), 1), topic, (_ctx, job: Job) => {
      if (job.n === 50 && !failedOnce) {
        failedOnce = true;
        return Promise.reject(new KitError(Code.Unavailable, "once"));
      }
      order.push(job.n);
      return Promise.resolve(undefined);
    }, decodeJob, encodeJSONMessage, { concurrency: 1, backoff: fast, deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    for (let n = 0; n < 200; n++) await send(background(), { n });
    await until("all 200", () => order.length === 200, { timeout: 15_000 });
    await s.close();
    expect(order).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(failedOnce).toBe(true);
  });

  it("dead-letters poison, garbage bodies and malformed kit-timeout once each, with kit-error-* user properties", async () => {
    const topic = unique("kit/poison");
    const dead = await collect(await client(), `${topic}/dead`);
    let calls = 0;
    const outcomes: string[] = [];
    const s = subscriber(session(unique("kit-sub")), topic, (_ctx, job: Job) => {
      calls++;
      return Promise.reject(new KitError(Code.InvalidArgument, `job ${String(job.n)} is poison`));
    }, decodeJob, encodeJSONMessage, { deadLetterTopic: `${topic}/dead`, backoff: fast, finalizer: [(_ctx, o: MessageOutcome) => void outcomes.push(o.decision)] });
    await s.ready;
    const raw = await client();
    await raw.publishAsync(topic, JSON.stringify({ n: 1 }), { qos: 1 });
    await raw.publishAsync(topic, Buffer.from([0xff, 0x00, 0x7b, 0x22]), { qos: 1 }); // not JSON, not even text
    await raw.publishAsync(topic, JSON.stringify({ n: 2 }), { qos: 1, properties: { userProperties: { "kit-timeout": "soon" } } });
    await until("three dead letters", () => dead.length === 3, { timeout: 15_000 });
    await sleep(300);
    await s.close();
    expect(dead.length).toBe(3);
    expect(calls).toBe(1);
    expect(outcomes).toEqual(["dead-lettered", "dead-lettered", "dead-lettered"]);
    expect(dead.map((d) => d.props["kit-error-code"])).toEqual([Code.InvalidArgument, Code.InvalidArgument, Code.InvalidArgument]);
    expect(dead[0]).toMatchObject({ body: '{"n":1}', props: { "kit-error-message": "job 1 is poison", "kit-attempts": "1" } });
    expect(dead[2]?.props["kit-timeout"]).toBe("soon");
  });

  it("retries a retryable failure in place up to maxAttempts, then dead-letters it", async () => {
    const topic = unique("kit/retry");
    const dead = await collect(await client(), `${topic}/dead`);
    const attempts: number[] = [];
    const s = subscriber(session(unique("kit-sub")), topic, (_ctx, job: Job) => {
      attempts.push(job.n);
      if (job.n === 1 && attempts.length < 3) return Promise.reject(new KitError(Code.Unavailable, "flaky"));
      if (job.n === 2) return Promise.reject(new KitError(Code.Unavailable, "down"));
      return Promise.resolve(undefined);
    }, decodeJob, encodeJSONMessage, { deadLetterTopic: `${topic}/dead`, maxAttempts: 3, backoff: fast, concurrency: 1 });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    await send(background(), { n: 1 });
    await until("job 1 to succeed", () => attempts.length === 3, { timeout: 15_000 });
    await send(background(), { n: 2 });
    await until("job 2's dead letter", () => dead.length === 1, { timeout: 15_000 });
    await s.close();
    expect(attempts).toEqual([1, 1, 1, 2, 2, 2]);
    expect(dead[0]?.props).toMatchObject({ "kit-error-code": Code.Unavailable, "kit-attempts": "3" });
  });

  it("redelivers what a consumer killed mid-flight held when its session reconnects: 0 lost, 0 duplicated", { timeout: 60_000 }, async () => {
    const topic = unique("kit/dying");
    const clientId = unique("kit-sub");
    const child = spawn(process.execPath, [fileURLToPath(new URL("../test/dying-consumer.ts", import.meta.url)), mqttUrl, topic, clientId, `${topic}/dead`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await until("the child to be ready", () => out.includes("ready"), { timeout: 20_000 });
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    for (let n = 0; n < 50; n++) await send(background(), { n });
    await until("20 messages in flight in the child", () => out.includes("in flight 20"), { timeout: 15_000 });
    child.kill("SIGKILL");
    await once(child, "exit");
    const { seen, handle, duplicates } = counter();
    const s = subscriber(session(clientId), topic, handle, decodeJob, encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await s.ready;
    await until("all 50", () => seen.size === 50, { timeout: 15_000 });
    await sleep(300);
    await s.close();
    expect({ handled: seen.size, duplicated: duplicates() }).toEqual({ handled: 50, duplicated: 0 });
  });

  it("close() with 100 in flight lets them finish and acknowledges them: none lost, none delivered again", { timeout: 60_000 }, async () => {
    const topic = unique("kit/close");
    const clientId = unique("kit-sub");
    let running = 0;
    let finished = 0;
    const slow: Endpoint<Job, undefined> = async () => {
      running++;
      await sleep(300);
      finished++;
      return undefined;
    };
    const first = session(clientId, 100);
    const s = subscriber(first, topic, slow, decodeJob, encodeJSONMessage, { concurrency: 100, deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    await Promise.all(Array.from({ length: 100 }, (_, n) => send(background(), { n })));
    await until("100 running", () => running === 100, { timeout: 15_000 });
    await s.close();
    expect(finished).toBe(100);
    await first.endAsync();
    // the session's next connection gets nothing again
    const { seen, handle } = counter();
    const again = subscriber(session(clientId), topic, handle, decodeJob, encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await again.ready;
    await send(background(), { n: 100 });
    await until("the marker", () => seen.has(100), { timeout: 15_000 });
    await again.close();
    expect([...seen.keys()]).toEqual([100]);
  });

  it("close() past closeTimeout leaves what did not finish unacknowledged: the session's next connection gets it", { timeout: 30_000 }, async () => {
    const topic = unique("kit/stuck");
    const clientId = unique("kit-sub");
    const first = session(clientId);
    let started = 0;
    const s = subscriber(first, topic, () => {
      started++;
      return new Promise<undefined>(() => undefined); // never finishes
    }, decodeJob, encodeJSONMessage, { closeTimeout: 100, deadLetterTopic: `${topic}/dead`, errorHandler: { handle: () => undefined } });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    for (let n = 0; n < 5; n++) await send(background(), { n });
    await until("5 started", () => started === 5, { timeout: 15_000 });
    await s.close();
    await first.endAsync();
    const { seen, handle, duplicates } = counter();
    const again = subscriber(session(clientId), topic, handle, decodeJob, encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await again.ready;
    await until("the 5 again", () => seen.size === 5, { timeout: 15_000 });
    await again.close();
    expect({ handled: seen.size, duplicated: duplicates() }).toEqual({ handled: 5, duplicated: 0 });
  });

  it("dead-letters a request whose response topic is outside the reply namespace, unanswered and not run", async () => {
    const topic = unique("kit/forged");
    const dead = await collect(await client(), `${topic}/dead`);
    const elsewhere = unique("kit/elsewhere");
    const victim = await client();
    const answered: string[] = [];
    victim.on("message", (to) => void answered.push(to));
    await victim.subscribeAsync(elsewhere, { qos: 1 });
    let ran = 0;
    const s = subscriber(session(unique("kit-sub")), topic, () => {
      ran++;
      return Promise.resolve({ ok: true });
    }, decodeJSONMessage(), encodeJSONMessage, { deadLetterTopic: `${topic}/dead`, errorHandler: { handle: () => undefined } });
    await s.ready;
    const raw = await client();
    await raw.publishAsync(topic, "{}", { qos: 1, properties: { responseTopic: elsewhere, correlationData: Buffer.from("1") } });
    await until("the dead letter", () => dead.length === 1, { timeout: 15_000 });
    await sleep(200);
    await s.close();
    expect({ ran, answered, code: dead[0]?.props["kit-error-code"] }).toEqual({ ran: 0, answered: [], code: Code.PermissionDenied });
  });

  it("reports a dead letter that no subscription matched as data_loss", async () => {
    const topic = unique("kit/nodlq");
    const reported: KitError[] = [];
    const s = subscriber(session(unique("kit-sub")), topic, () => Promise.reject(new KitError(Code.InvalidArgument, "poison")), decodeJSONMessage(), encodeJSONMessage, {
      deadLetterTopic: `${topic}/dead`,
      errorHandler: { handle: (_ctx, err) => void reported.push(err) },
    });
    await s.ready;
    await publisher(await client(), topic, encodeJSONMessage, undefined)(background(), {});
    await until("the report", () => reported.some((err) => err.code === Code.DataLoss), { timeout: 15_000 });
    await s.close();
    expect(reported.find((err) => err.code === Code.DataLoss)?.message).toContain("no subscription matches it");
  });

  it("ready rejects with failed_precondition without a persistent session, unavailable without a broker", async () => {
    const ignore = (): void => undefined;
    const clean = await client();
    const cleanSub = subscriber(clean, unique("kit/x"), counter().handle, decodeJob, encodeJSONMessage, { deadLetterTopic: "kit/dead", errorHandler: { handle: ignore } });
    await expect(cleanSub.ready).rejects.toMatchObject({ code: Code.FailedPrecondition });
    const nowhere = connect("mqtt://127.0.0.1:1", { protocolVersion: 5, clientId: unique("kit-sub"), clean: false, properties: { sessionExpiryInterval: 60 }, reconnectPeriod: 0 });
    clients.push(nowhere);
    const lost = subscriber(nowhere, unique("kit/x"), counter().handle, decodeJob, encodeJSONMessage, { deadLetterTopic: "kit/dead", errorHandler: { handle: ignore } });
    await expect(lost.ready).rejects.toMatchObject({ code: Code.Unavailable });
    expect(() => subscriber(clean, "a/#/b", counter().handle, decodeJob, encodeJSONMessage, { deadLetterTopic: "kit/dead" })).toThrow(TypeError);
    expect(() => subscriber(clean, "a", counter().handle, decodeJob, encodeJSONMessage, { deadLetterTopic: "kit/+" })).toThrow(/deadLetterTopic/);
  });

  it("runs a dozen subscribers on one client without Node's MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on("warning", onWarning);
    try {
      const shared = session(unique("kit-sub"));
      const subs = Array.from({ length: 12 }, (_, i) => subscriber(shared, unique(`kit/many-${String(i)}`), counter().handle, decodeJob, encodeJSONMessage, { deadLetterTopic: "kit/dead" }));
      await Promise.all(subs.map((s) => s.ready));
      await Promise.all(subs.map((s) => s.close()));
      await sleep(50); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
