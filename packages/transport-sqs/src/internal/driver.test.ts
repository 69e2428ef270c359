// The SQS driver's FIFO bookkeeping against a scripted client, for orders of events that only a
// slow machine produces against a real server (driver.integration.test.ts has the real one).
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message as RawMessage,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { SqsDriver, type SqsMessage } from "./driver.ts";

const queueUrl = "http://127.0.0.1:9324/000000000000/scripted.fifo";

/** The `n`th message of `group` as SQS returns it. */
function raw(group: string, n: number): RawMessage {
  return {
    MessageId: `${group}${String(n)}`,
    ReceiptHandle: `receipt-${group}${String(n)}`,
    Body: `${group}${String(n)}`,
    Attributes: { MessageGroupId: group, ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()) },
  };
}

/**
 * A client whose receives answer with what the test hands `answer` (messages, or an error to
 * fail with), one at a time, in the order they were made; it records the visibility changes, and
 * every other call succeeds.
 */
function scriptedClient(): {
  client: SQSClient;
  receives: number;
  answer: (messages: RawMessage[] | Error) => void;
  visibility: Map<string, number>;
  changes: string[];
  extensions: (() => void)[];
  deleted: string[];
} {
  const waiting: ((messages: RawMessage[] | Error) => void)[] = [];
  const visibility = new Map<string, number>();
  const script = {
    receives: 0,
    visibility,
    /** Every visibility change in the order it was sent: `"<receipt> <seconds>"`, a heartbeat's as `"extend …"`. */
    changes: [] as string[],
    /** The heartbeat's extensions under way: each succeeds when the test calls it. */
    extensions: [] as (() => void)[],
    /** The receipt handles of every delete, in the order they were sent. */
    deleted: [] as string[],
    answer: (messages: RawMessage[] | Error): void => {
      const next = waiting.shift();
      if (next === undefined) throw new Error("no receive is waiting");
      next(messages);
    },
    client: {
      send: (command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
        if (command instanceof ReceiveMessageCommand) {
          script.receives += 1;
          return new Promise((resolve, reject) => {
            waiting.push((messages) => {
              if (messages instanceof Error) reject(messages);
              else resolve({ Messages: messages });
            });
            options?.abortSignal?.addEventListener("abort", () => {
              reject(new Error("aborted"));
            });
          });
        }
        if (command instanceof ChangeMessageVisibilityCommand) {
          visibility.set(command.input.ReceiptHandle ?? "", command.input.VisibilityTimeout ?? -1);
          script.changes.push(`${command.input.ReceiptHandle ?? ""} ${String(command.input.VisibilityTimeout)}`);
        }
        if (command instanceof ChangeMessageVisibilityBatchCommand) {
          for (const e of command.input.Entries ?? []) script.changes.push(`extend ${e.ReceiptHandle ?? ""} ${String(e.VisibilityTimeout)}`);
          return new Promise((resolve) => {
            script.extensions.push(() => {
              resolve({ Successful: [], Failed: [] });
            });
          });
        }
        if (command instanceof DeleteMessageBatchCommand) for (const e of command.input.Entries ?? []) script.deleted.push(e.ReceiptHandle ?? "");
        return Promise.resolve({});
      },
    } as unknown as SQSClient,
  };
  return script;
}

function driverFor(client: SQSClient, visibilityTimeout = 30, observe: (err: KitError) => void = (err) => {
  throw err;
}): SqsDriver {
  return new SqsDriver({
    client,
    queueUrl,
    deadLetterQueueUrl: queueUrl,
    waitTimeSeconds: 20,
    visibilityTimeout,
    pendingDeletes: 16,
    replyAllowed: () => true,
    observe,
  });
}

const ids = (messages: readonly SqsMessage[]): string[] => messages.map((m) => m.id);

/** Lets the driver's pending promise reactions run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What `receiving` resolves with, or "still waiting" after `ms`. */
async function within(receiving: Promise<readonly SqsMessage[]>, ms: number): Promise<string[] | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still waiting">((resolve) => (timer = setTimeout(resolve, ms, "still waiting")));
  const outcome = await Promise.race([receiving, late]);
  clearTimeout(timer);
  return outcome === "still waiting" ? outcome : ids(outcome);
}

describe("SqsDriver on a FIFO queue", () => {
  it("hands on a group's next message once the one before it is deleted, while a long poll is under way", { timeout: 10_000 }, async () => {
    const sqs = scriptedClient();
    const driver = driverFor(sqs.client);
    const stop = new AbortController();
    try {
      const first = driver.receive(8, stop.signal);
      await settle();
      sqs.answer([raw("a", 0), raw("a", 1)]);
      const [a0] = await first;
      expect(a0?.id).toBe("a0");

      const second = driver.receive(7, stop.signal); // a1 waits for a0; meanwhile it long-polls for other groups
      await settle();
      expect(sqs.receives).toBe(2);
      await driver.ack(a0!);
      // SQS has nothing to give that long poll (a1, the group's head, is in flight): it would wait out its 20 s.
      expect(await within(second, 1000)).toEqual(["a1"]);
    } finally {
      stop.abort();
      await driver.close();
    }
  });

  it("fails the receive waiting for a long poll that fails, and the next receive polls again", { timeout: 10_000 }, async () => {
    const sqs = scriptedClient();
    const reported: KitError[] = [];
    const driver = driverFor(sqs.client, 30, (err) => void reported.push(err));
    const stop = new AbortController();
    try {
      const first = driver.receive(8, stop.signal);
      await settle();
      sqs.answer(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9324"), { code: "ECONNREFUSED" }));
      await expect(first).rejects.toMatchObject({ code: "unavailable" });

      const second = driver.receive(8, stop.signal);
      await settle();
      expect(sqs.receives).toBe(2);
      sqs.answer([raw("a", 0)]);
      expect(await within(second, 1000)).toEqual(["a0"]);
      expect(reported).toEqual([]); // the runtime reports a failing receive, and the end of the outage
    } finally {
      stop.abort();
      await driver.close();
    }
  });

  it("hands on what a long poll brings back while a group's held messages were given back", { timeout: 10_000 }, async () => {
    const sqs = scriptedClient();
    const driver = driverFor(sqs.client);
    const stop = new AbortController();
    try {
      const first = driver.receive(8, stop.signal);
      await settle();
      sqs.answer([raw("b", 5), raw("b", 6)]); // b6 waits in the driver while b5 runs
      const [b5] = await first;
      expect(b5?.id).toBe("b5");

      const second = driver.receive(7, stop.signal); // group b is busy: it long-polls for other groups
      await settle();
      expect(sqs.receives).toBe(2);
      await driver.retryLater(b5!, 500); // meanwhile b5 fails: b6 goes back to SQS, to come after b5
      expect(sqs.visibility.get("receipt-b6")).toBe(0);

      sqs.answer([raw("c", 0), raw("c", 1)]); // the long poll returns group c's first messages
      // Had they been lost, SQS would deliver nothing of group c again: they are in flight, and the heartbeat keeps them so.
      expect(await within(second, 1000)).toEqual(["c0"]);
    } finally {
      stop.abort();
      await driver.close();
    }
  });
});

describe("SqsDriver after a heartbeat came too late", () => {
  it("does not hand out again a message SQS redelivers while it is still handled (its visibility ran out), and deletes it by its newest receipt", { timeout: 10_000 }, async () => {
    const sqs = scriptedClient();
    const reported: KitError[] = [];
    const driver = driverFor(sqs.client, 30, (err) => void reported.push(err));
    const stop = new AbortController();
    try {
      const first = driver.receive(8, stop.signal);
      await settle();
      sqs.answer([raw("a", 0), raw("a", 1)]);
      const [a0] = await first;
      expect(a0?.id).toBe("a0");

      // The heartbeat came more than 20 s late (of a 30 s visibility timeout, extended every 10 s):
      // SQS made a0 and a1 visible again, and the driver's next long poll receives them a second time.
      const second = driver.receive(7, stop.signal);
      await settle();
      const again = (m: RawMessage): RawMessage => ({ ...m, ReceiptHandle: `${m.ReceiptHandle ?? ""}-again`, Attributes: { ...m.Attributes, ApproximateReceiveCount: "2" } });
      sqs.answer([again(raw("a", 0)), again(raw("a", 1))]);
      await settle();
      await driver.ack(a0!); // a0 is done: its group's next message is a1, once
      const [a1] = await second;
      expect(a1?.id).toBe("a1");
      await driver.ack(a1!);
      expect(await within(driver.receive(8, stop.signal), 300)).toBe("still waiting"); // neither a0 nor a1 a second time
      expect(sqs.deleted).toEqual(["receipt-a0-again", "receipt-a1-again"]); // SQS deletes a message by its newest receipt only
      expect(reported.map((e) => e.message)).toEqual([
        expect.stringContaining("message a0 was received again while this subscriber held it"),
        expect.stringContaining("message a1 was received again while this subscriber held it"),
      ]);
    } finally {
      stop.abort();
      await driver.close();
    }
  });
});

describe("SqsDriver giving a message back", () => {
  it("waits for the heartbeat's extension under way, and the heartbeat leaves the message alone from then on", { timeout: 10_000 }, async () => {
    const sqs = scriptedClient();
    const driver = driverFor(sqs.client, 3); // a heartbeat every second
    const stop = new AbortController();
    try {
      const first = driver.receive(8, stop.signal);
      await settle();
      sqs.answer([raw("a", 0)]);
      const [a0] = await first;
      const beat = Date.now() + 3_000;
      while (sqs.extensions.length === 0 && Date.now() < beat) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sqs.changes).toEqual(["extend receipt-a0 3"]);

      const releasing = driver.release(a0!);
      await settle();
      // Sent now, SQS could apply the extension after it and hide a0 again for 3 s (30 s by default).
      expect(sqs.changes).toEqual(["extend receipt-a0 3"]);
      for (const finish of sqs.extensions.splice(0)) finish();
      await releasing;
      expect(sqs.changes).toEqual(["extend receipt-a0 3", "receipt-a0 0"]);

      await new Promise((resolve) => setTimeout(resolve, 1_300)); // the next heartbeat
      for (const finish of sqs.extensions.splice(0)) finish();
      expect(sqs.changes).toEqual(["extend receipt-a0 3", "receipt-a0 0"]);
    } finally {
      stop.abort();
      for (const finish of sqs.extensions.splice(0)) finish();
      await driver.close();
    }
  });
});
