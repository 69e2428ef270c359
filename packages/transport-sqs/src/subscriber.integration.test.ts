// The SQS subscriber against a real SQS-compatible server on 127.0.0.1 (ElasticMQ; see
// test/sqs.ts). Each test makes its own queues and deletes them.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { until } from "@kit/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type MessageOutcome } from "@kit/transport";
import { subscriber } from "./subscriber.ts";
import { depth, drain, endpoint, Queues, sleep, sqsClient } from "../test/sqs.ts";

let client: SQSClient;
let queues: Queues;

beforeEach(() => {
  client = sqsClient();
  queues = new Queues(client);
});
afterEach(async () => {
  await queues.deleteAll();
  client.destroy();
});

interface Job {
  n: number;
  group?: string;
}

/** Sends `count` JSON jobs `{ n }` in batches of 10. */
async function sendJobs(queueUrl: string, count: number, extra: (n: number) => Record<string, unknown> = () => ({})): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => ({
      Id: String(i),
      MessageBody: JSON.stringify({ n: start + i }),
      ...extra(start + i),
    }));
    const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(out.Failed ?? []).toEqual([]);
  }
}

const decodeJob = decodeJSONMessage<Job>();

describe("SQS subscriber", () => {
  it("handles 10,000 messages with concurrency 16: each once, each deleted, none left", { timeout: 240_000 }, async () => {
    const queueUrl = await queues.create("bulk");
    const dlq = await queues.create("bulk-dlq");
    const total = 10_000;
    await sendJobs(queueUrl, total);
    const seen = new Map<number, number>();
    let running = 0;
    let most = 0;
    const handle: Endpoint<Job, undefined> = async (_ctx, job) => {
      running++;
      most = Math.max(most, running);
      seen.set(job.n, (seen.get(job.n) ?? 0) + 1);
      await sleep(1);
      running--;
      return undefined;
    };
    const decisions = new Map<string, number>();
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, {
      concurrency: 16,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      finalizer: [(_ctx, o: MessageOutcome) => void decisions.set(o.decision, (decisions.get(o.decision) ?? 0) + 1)],
    });
    await until("all messages handled", () => (decisions.get("succeeded") ?? 0) === total, { timeout: 200_000 });
    await sub.close();

    expect(seen.size).toBe(total);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(most).toBeLessThanOrEqual(16);
    expect(Object.fromEntries(decisions)).toEqual({ succeeded: total });
    expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await depth(client, dlq)).toEqual({ visible: 0, inFlight: 0 });
  });

  it("sends a poison message to the dead-letter queue once, with its error, and goes on", async () => {
    const queueUrl = await queues.create("poison");
    const dlq = await queues.create("poison-dlq");
    const handled: number[] = [];
    let poisonCalls = 0;
    const handle: Endpoint<Job, undefined> = (_ctx, job) => {
      if (job.n === 1) {
        poisonCalls++;
        return Promise.reject(new KitError(Code.InvalidArgument, "n must not be 1"));
      }
      handled.push(job.n);
      return Promise.resolve(undefined);
    };
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{not json" }));
    await sendJobs(queueUrl, 3);
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, { concurrency: 2, deadLetterQueueUrl: dlq, waitTimeSeconds: 1 });
    try {
      await until("the good messages handled", () => handled.length === 2, { timeout: 20_000 });
      const dead = await drain(client, dlq, 2, 5_000);
      expect(dead).toHaveLength(2);
      const byBody = new Map(dead.map((m) => [m.Body, m.MessageAttributes ?? {}]));
      expect(byBody.get("{not json")?.["kit-error-code"]?.StringValue).toBe("invalid_argument");
      expect(byBody.get(JSON.stringify({ n: 1 }))?.["kit-error-code"]?.StringValue).toBe("invalid_argument");
      expect(byBody.get(JSON.stringify({ n: 1 }))?.["kit-error-message"]?.StringValue).toBe("n must not be 1");
      expect(byBody.get(JSON.stringify({ n: 1 }))?.["kit-attempts"]?.StringValue).toBe("1");
      expect(poisonCalls).toBe(1);
      expect(handled.sort()).toEqual([0, 2]);
      await until("the queue empty", async () => (await depth(client, queueUrl)).inFlight === 0, { every: 50 });
      expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
      expect(await drain(client, dlq, 1, 1_500)).toEqual([]); // exactly once
    } finally {
      await sub.close();
    }
  });

  it("retries a retryable failure after a backoff, counting SQS receives as attempts", async () => {
    const queueUrl = await queues.create("retry");
    const dlq = await queues.create("retry-dlq");
    const attempts: number[] = [];
    const outcomes: string[] = [];
    const handle: Endpoint<Job, undefined> = () => {
      attempts.push(Date.now());
      return attempts.length < 3 ? Promise.reject(new KitError(Code.Unavailable, "try again")) : Promise.resolve(undefined);
    };
    await sendJobs(queueUrl, 1);
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      backoff: () => 1_000,
      finalizer: [(_ctx, o) => void outcomes.push(`${o.decision}@${o.attempt}`)],
    });
    try {
      await until("success on the third attempt", () => outcomes.includes("succeeded@3"), { timeout: 30_000 });
      expect(outcomes).toEqual(["retried@1", "retried@2", "succeeded@3"]);
      // the message stayed invisible for the backoff (whole seconds on SQS)
      expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(900);
      await until("the message deleted", async () => (await depth(client, queueUrl)).inFlight === 0, { every: 50 });
      expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      await sub.close();
    }
  });

  it("dead-letters a message whose retries are used up", async () => {
    const queueUrl = await queues.create("exhaust");
    const dlq = await queues.create("exhaust-dlq");
    let calls = 0;
    const handle: Endpoint<Job, undefined> = () => {
      calls++;
      return Promise.reject(new KitError(Code.Unavailable, "down"));
    };
    await sendJobs(queueUrl, 1);
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, { deadLetterQueueUrl: dlq, waitTimeSeconds: 1, maxAttempts: 2, backoff: () => 0 });
    try {
      const dead = await drain(client, dlq, 1, 20_000);
      expect(dead).toHaveLength(1);
      expect(dead[0]?.MessageAttributes?.["kit-error-code"]?.StringValue).toBe("unavailable");
      expect(dead[0]?.MessageAttributes?.["kit-attempts"]?.StringValue).toBe("2");
      expect(calls).toBe(2);
    } finally {
      await sub.close();
    }
  });

  it("keeps a long-running message invisible while its handler works, so it is not delivered twice", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("long");
    const dlq = await queues.create("long-dlq");
    let calls = 0;
    const handle: Endpoint<Job, undefined> = async () => {
      calls++;
      await sleep(5_000);
      return undefined;
    };
    await sendJobs(queueUrl, 1);
    const second = sqsClient();
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, { deadLetterQueueUrl: dlq, waitTimeSeconds: 1, visibilityTimeout: 2 });
    try {
      await until("the handler started", () => calls === 1);
      // Another consumer polls through the whole handler time: it must get nothing.
      const stolen = await drain(second, queueUrl, 1, 5_500);
      expect(stolen).toEqual([]);
      await until("the message deleted", async () => (await depth(client, queueUrl)).inFlight === 0, { every: 50 });
      expect(calls).toBe(1);
    } finally {
      await sub.close();
      second.destroy();
    }
  });

  it("close() lets 100 slow messages in flight finish and be deleted, and takes no new one", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("close");
    const dlq = await queues.create("close-dlq");
    await sendJobs(queueUrl, 150);
    let started = 0;
    let finished = 0;
    const handle: Endpoint<Job, undefined> = async () => {
      started++;
      await sleep(1_500);
      finished++;
      return undefined;
    };
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, { concurrency: 100, deadLetterQueueUrl: dlq, waitTimeSeconds: 1 });
    await until("100 messages in flight", () => started === 100, { timeout: 30_000 });
    const before = started;
    await sub.close();
    expect(finished).toBe(before);
    expect(started).toBe(before);
    await until("nothing left in flight", async () => (await depth(client, queueUrl)).inFlight === 0, { timeout: 15_000, every: 50 });
    expect(await depth(client, queueUrl)).toEqual({ visible: 50, inFlight: 0 });
  });

  it("takes the next message while the last one's delete is under way, with up to `concurrency` deletes waited for by nobody", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("delete-overlap");
    const dlq = await queues.create("delete-overlap-dlq");
    await sendJobs(queueUrl, 3);
    const events: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "DeleteMessageBatchCommand") return next(args);
        await sleep(1_000); // a slow delete
        const out = await next(args);
        events.push("deleted");
        return out;
      },
      { step: "initialize", name: "slowDeletes" },
    );
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (events.push(`handled ${String(job.n)}`), Promise.resolve(undefined)), decodeJob, encodeJSONMessage, {
      concurrency: 1,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
    });
    await until("3 messages handled", () => events.filter((e) => e.startsWith("handled")).length === 3, { timeout: 20_000 });
    await sub.close();
    // The second message ran while the first one's delete was under way; the third only after a
    // delete ended, since with concurrency 1 a second delete is waited for.
    const kinds = events.map((e) => e.split(" ")[0]);
    expect(kinds.slice(0, 2)).toEqual(["handled", "handled"]);
    expect(kinds.indexOf("deleted")).toBeLessThan(kinds.lastIndexOf("handled"));
    expect(new Set(events.filter((e) => e.startsWith("handled")))).toEqual(new Set(["handled 0", "handled 1", "handled 2"]));
    expect(events.filter((e) => e === "deleted")).toHaveLength(3); // close() waited for the last
    expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it("reports a handled message whose delete failed, and SQS delivers it again after its visibility timeout", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("delete-fails");
    const dlq = await queues.create("delete-fails-dlq");
    await sendJobs(queueUrl, 1);
    // The server refuses nothing; the first DeleteMessageBatch is failed on its way out.
    let failNext = true;
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === "DeleteMessageBatchCommand" && failNext) {
          failNext = false;
          return Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })); // what a reset connection throws
        }
        return next(args);
      },
      { step: "initialize", name: "failFirstDelete" },
    );
    const handled: number[] = [];
    const errors: string[] = [];
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (handled.push(job.n), Promise.resolve(undefined)), decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      visibilityTimeout: 2,
      errorHandler: { handle: (_ctx, err) => void errors.push(`${err.code}: ${err.message}`) },
    });
    try {
      await until("the message delivered again after its visibility timeout", () => handled.length === 2, { timeout: 20_000 });
      expect(handled).toEqual([0, 0]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^unavailable: message .+ was handled but not deleted \(SQS delivers it again after its visibility timeout\): SQS delete from .+: read ECONNRESET$/);
    } finally {
      await sub.close();
    }
    expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 }); // the second delete went through, and close() waited for it
  });

  it("does not report as errors the visibility extensions of messages whose delete is under way", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("heartbeat-deleting");
    const dlq = await queues.create("heartbeat-deleting-dlq");
    await sendJobs(queueUrl, 5);
    let deleted = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "DeleteMessageBatchCommand") return next(args);
        const out = await next(args); // SQS has deleted them; the answer is slow to come back
        await sleep(2_500);
        deleted += 1;
        return out;
      },
      { step: "initialize", name: "slowDeleteAnswers" },
    );
    const errors: string[] = [];
    const handled: number[] = [];
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (handled.push(job.n), Promise.resolve(undefined)), decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      visibilityTimeout: 3, // a heartbeat every second, while the deletes' answers take 2.5 s
      errorHandler: { handle: (_ctx, err) => void errors.push(`${err.code}: ${err.message}`) },
    });
    try {
      await until("5 messages handled and their delete answered", () => handled.length === 5 && deleted > 0, { timeout: 20_000 });
      await sleep(1_500); // one more heartbeat
    } finally {
      await sub.close();
    }
    expect(errors).toEqual([]);
    expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it("answers only reply addresses inside its reply namespace, and dead-letters a forged one as permission_denied", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("reply-policy");
    const dlq = await queues.create("reply-policy-dlq");
    const victim = await queues.create("victim"); // a queue the subscriber can reach, outside its namespace
    const own = await queues.create("own", { repliesTo: queueUrl }); // `<queue>-replies-…`, the default namespace
    const request = (n: number, replyTo: string, to = queueUrl) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: to,
          MessageBody: JSON.stringify({ n }),
          MessageAttributes: {
            "kit-reply-to": { DataType: "String", StringValue: replyTo },
            "kit-correlation-id": { DataType: "String", StringValue: `c-${String(n)}` },
          },
        }),
      );
    await request(1, victim);
    await request(2, own);
    const handled: number[] = [];
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (handled.push(job.n), Promise.resolve({ n: job.n })), decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
    });
    try {
      const [dead] = await drain(client, dlq, 1, 15_000);
      const [answer] = await drain(client, own, 1, 15_000);
      expect(dead?.MessageAttributes?.["kit-error-code"]?.StringValue).toBe("permission_denied");
      expect(dead?.MessageAttributes?.["kit-error-message"]?.StringValue).toBe(`kit-reply-to ${JSON.stringify(victim)} is outside the subscriber's reply namespace; not answered`);
      expect(JSON.parse(dead?.Body ?? "")).toEqual({ n: 1 });
      expect(answer?.MessageAttributes?.["kit-correlation-id"]?.StringValue).toBe("c-2");
      expect(handled).toEqual([2]); // the forged request never reached the endpoint
      expect(await depth(client, victim)).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      await sub.close();
    }
    // A namespace of the user's choosing lets the same address through. (Another queue: the closed
    // subscriber's last long poll may still be open on the server, and would take the message.)
    const other = await queues.create("reply-policy-open");
    await request(3, victim, other);
    const open = subscriber(client, other, (_ctx, job: Job) => Promise.resolve({ n: job.n }), decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      replyNamespace: [victim],
    });
    try {
      const [answer] = await drain(client, victim, 1, 15_000);
      expect(answer?.MessageAttributes?.["kit-correlation-id"]?.StringValue).toBe("c-3");
    } finally {
      await open.close();
    }
  });

  it("redelivers to another consumer the messages of a consumer that died mid-flight", { timeout: 90_000 }, async () => {
    const queueUrl = await queues.create("die");
    const dlq = await queues.create("die-dlq");
    await sendJobs(queueUrl, 20);
    const script = fileURLToPath(new URL("../test/dying-consumer.ts", import.meta.url));
    const child = spawn(process.execPath, [script, endpoint, queueUrl, dlq], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await until("the child holding all 20 messages", () => out.includes("in flight 20"), { timeout: 30_000 });
    const exited = once(child, "exit");
    expect(child.exitCode).toBeNull(); // still running, holding the messages
    child.kill("SIGKILL");
    await exited;
    expect(await depth(client, queueUrl)).toEqual({ visible: 0, inFlight: 20 });

    const handled = new Set<number>();
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (handled.add(job.n), Promise.resolve(undefined)), decodeJob, encodeJSONMessage, {
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
    });
    try {
      await until("all 20 redelivered", () => handled.size === 20, { timeout: 60_000 }); // after the dead child's 3 s visibility
      expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await sub.close();
    }
  });

  it("handles a FIFO queue's messages of one group in order, groups side by side", { timeout: 90_000 }, async () => {
    const queueUrl = await queues.create("fifo", { fifo: true });
    const dlq = await queues.create("fifo-dlq", { fifo: true });
    const groups = ["a", "b", "c"];
    const perGroup = 20;
    for (const group of groups) {
      await sendJobs(queueUrl, perGroup, (n) => ({ MessageGroupId: group, MessageBody: JSON.stringify({ n, group }) }));
    }
    const order = new Map<string, number[]>(groups.map((g) => [g, []]));
    let running = 0;
    let most = 0;
    let failedOnce = false;
    const handle: Endpoint<Job, undefined> = async (_ctx, job) => {
      running++;
      most = Math.max(most, running);
      try {
        await sleep(Math.floor(Math.random() * 20));
        if (job.group === "b" && job.n === 5 && !failedOnce) {
          failedOnce = true; // one retry in the middle of group b must not let 6 overtake 5
          throw new KitError(Code.Unavailable, "once");
        }
        order.get(job.group ?? "")?.push(job.n);
        return undefined;
      } finally {
        running--;
      }
    };
    const errors: string[] = [];
    const sub = subscriber(client, queueUrl, handle, decodeJob, encodeJSONMessage, {
      concurrency: 8,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
      backoff: () => 500,
      errorHandler: { handle: (_ctx, err) => void errors.push(`${err.code}: ${err.message}`) },
    });
    try {
      await until("every group handled", () => [...order.values()].every((list) => list.length >= perGroup), { timeout: 60_000 }).catch((err: unknown) => {
        throw new Error(`${String(err)}; handled so far: ${JSON.stringify(Object.fromEntries(order))}; errors: ${JSON.stringify(errors)}`);
      });
      for (const group of groups) expect(order.get(group)).toEqual(Array.from({ length: perGroup }, (_, i) => i));
      expect(failedOnce).toBe(true);
      expect(most).toBeGreaterThan(1); // groups ran side by side
      expect(most).toBeLessThanOrEqual(groups.length);
    } finally {
      await sub.close();
    }
  });

  it("hands a FIFO group's next message on once the one before it is deleted, without waiting out a long poll", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("fifo-next", { fifo: true });
    const dlq = await queues.create("fifo-next-dlq", { fifo: true });
    await sendJobs(queueUrl, 5, (n) => ({ MessageGroupId: "a", MessageBody: JSON.stringify({ n, group: "a" }) }));
    const order: number[] = [];
    const sub = subscriber(client, queueUrl, (_ctx, job: Job) => (order.push(job.n), Promise.resolve(undefined)), decodeJob, encodeJSONMessage, {
      concurrency: 2,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 20, // a receive that finds the group still in flight waits this long
    });
    const started = Date.now();
    try {
      await until("the group's 5 messages handled", () => order.length === 5, { timeout: 30_000 });
      expect(order).toEqual([0, 1, 2, 3, 4]);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await sub.close();
    }
  });

  it("finds the dead-letter queue through the queue's redrive policy", async () => {
    const dlq = await queues.create("redrive-dlq");
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${dlq.split("/").at(-1) ?? ""}`;
    const queueUrl = await queues.create("redrive", { attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 10 }) } });
    await sendJobs(queueUrl, 1);
    const sub = subscriber(client, queueUrl, () => Promise.reject(new KitError(Code.NotFound, "no such n")), decodeJob, encodeJSONMessage, { waitTimeSeconds: 1 });
    try {
      const dead = await drain(client, dlq, 1, 15_000);
      expect(dead[0]?.MessageAttributes?.["kit-error-code"]?.StringValue).toBe("not_found");
    } finally {
      await sub.close();
    }
  });

  it("takes no message from a queue that has no dead-letter queue, and says why", async () => {
    const queueUrl = await queues.create("nodlq");
    await sendJobs(queueUrl, 1);
    const errors: KitError[] = [];
    const sub = subscriber(client, queueUrl, () => Promise.resolve(undefined), decodeJob, encodeJSONMessage, {
      waitTimeSeconds: 1,
      backoff: () => 100,
      errorHandler: { handle: (_ctx, err) => void errors.push(err) },
    });
    try {
      await until("an error reported", () => errors.length > 0);
      expect(errors[0]?.code).toBe("failed_precondition");
      expect(errors[0]?.message).toMatch(/no dead-letter queue/);
      expect(await depth(client, queueUrl)).toEqual({ visible: 1, inFlight: 0 });
    } finally {
      await sub.close();
    }
  });
});
