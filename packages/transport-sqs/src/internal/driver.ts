import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message as RawMessage,
  type MessageSystemAttributeName,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { Code, KitError, toKitError } from "@kit/endpoint";
import { type Message, type OutgoingMessage } from "@kit/transport";
import { timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import { fromAttributes, toAttributes } from "../attributes.ts";
import { correlationHeader, replyToHeader } from "../headers.ts";
import { batcher, type Settled } from "./batcher.ts";
import { fromSqsBody, toSqsBody } from "./body.ts";

/** A message as the SQS driver hands it to the runtime. */
export interface SqsMessage extends Message {
  /** SQS's id for the message. */
  readonly id: string;
  /** The handle that deletes it or changes its visibility. */
  readonly receiptHandle: string;
  /** Its message group, on a FIFO queue. */
  readonly group: string | undefined;
  /** The message as SQS returned it. */
  readonly raw: RawMessage;
  /** Its headers: the message attributes. */
  readonly headers: Map<string, string>;
}

/** What the driver needs. */
export interface SqsDriverConfig {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Where poison messages go; resolved once, on first use. */
  readonly deadLetterQueueUrl: () => Promise<string>;
  /** Long-poll wait, seconds (0–20). */
  readonly waitTimeSeconds: number;
  /** How long a received message stays invisible, seconds; extended while it is handled. */
  readonly visibilityTimeout: number;
  /**
   * How many handled messages may wait for their delete while the subscriber goes on receiving;
   * past that, an ack waits for its delete.
   */
  readonly pendingDeletes: number;
  /** Told about failures that no caller sees (visibility extensions, deletes not waited for). */
  readonly observe: (err: KitError) => void;
}

/** The driver, plus what the subscriber needs to shut it down. */
export interface SqsDriver extends MessageDriver<SqsMessage> {
  /** Stops extending visibility, and makes every message it still holds visible again. */
  close(): Promise<void>;
}

const maxVisibility = 43_200; // SQS's limit: 12 hours

const failed = (error: unknown): Settled<undefined> => ({ ok: false, error });
const done: Settled<undefined> = { ok: true, value: undefined };

/**
 * The SQS `MessageDriver`: long-polls the queue in batches of up to 10, never more than the
 * runtime asks for; deletes (in batches) after success; retries by making a message visible
 * again after the backoff (SQS counts the receive, which is the next attempt); moves poison to
 * the dead-letter queue; keeps every message it holds invisible while it is handled; and, on a
 * FIFO queue, hands the runtime one message of a group at a time, in order.
 */
export function sqsDriver(config: SqsDriverConfig): SqsDriver {
  const { client, queueUrl, waitTimeSeconds, visibilityTimeout, observe } = config;
  const fifo = queueUrl.endsWith(".fifo");
  /** The attempt, the sending time (to take the time in the queue off a `kit-timeout`), and, on a FIFO queue, the group. */
  const systemAttributes: MessageSystemAttributeName[] = fifo
    ? ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"]
    : ["ApproximateReceiveCount", "SentTimestamp"];
  /** Every message received and not yet settled: extended on each heartbeat. */
  const held = new Map<string, SqsMessage>();
  /** FIFO: groups with a message in the runtime. */
  const busyGroups = new Set<string>();
  /** Deletes of handled messages under way, which `ack` did not wait for and `close` does. */
  const deleting = new Set<Promise<void>>();
  /** FIFO: received messages that wait for their group, in the order SQS gave them. */
  let queued: SqsMessage[] = [];
  let groupFreed: (() => void) | undefined;

  const deleter = batcher<SqsMessage, undefined>(
    async (batch) => {
      const out = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
        }),
      );
      return batch.map((_, i) => {
        const failure = out.Failed?.find((f) => f.Id === String(i));
        return failure === undefined ? done : failed(new KitError(Code.Unavailable, `SQS did not delete the message: ${failure.Message ?? failure.Code ?? "unknown"}`));
      });
    },
    10,
    0,
  );

  const heartbeat = setInterval(
    () => {
      const messages = [...held.values()];
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        client
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: visibilityTimeout })),
            }),
          )
          .then((out) => {
            for (const f of out.Failed ?? []) {
              const message = batch[Number(f.Id)];
              if (message !== undefined && held.has(message.receiptHandle)) {
                observe(new KitError(Code.Unavailable, `could not extend the visibility of message ${message.id}: ${f.Message ?? f.Code ?? "unknown"}`));
              }
            }
          })
          .catch((thrown: unknown) => {
            observe(toKitError(thrown, Code.Unavailable));
          });
      }
    },
    Math.max(1, visibilityTimeout / 3) * 1000,
  );
  heartbeat.unref();

  const setVisibility = (message: SqsMessage, seconds: number): Promise<unknown> =>
    client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle, VisibilityTimeout: seconds }));

  /** The message is out of the runtime's hands: stop extending it, free its group. */
  const forget = (message: SqsMessage): void => {
    held.delete(message.receiptHandle);
    if (message.group !== undefined && busyGroups.delete(message.group)) {
      const wake = groupFreed;
      groupFreed = undefined;
      wake?.();
    }
  };

  /**
   * FIFO: the group's later messages this driver holds go back to the queue too, so SQS
   * delivers them again after the one being retried, in order.
   */
  const releaseQueuedOf = async (group: string | undefined): Promise<void> => {
    if (group === undefined) return;
    const later = queued.filter((m) => m.group === group);
    if (later.length === 0) return;
    queued = queued.filter((m) => m.group !== group);
    await Promise.all(
      later.map(async (m) => {
        held.delete(m.receiptHandle);
        await setVisibility(m, 0).catch((thrown: unknown) => {
          observe(toKitError(thrown, Code.Unavailable)); // it becomes visible at its timeout anyway
        });
      }),
    );
  };

  const toMessage = (raw: RawMessage): SqsMessage => {
    const headers = fromAttributes(raw.MessageAttributes);
    const timeout = headers.get(timeoutHeader);
    if (timeout !== undefined && /^\d{1,8}$/.test(timeout)) {
      const sent = Number(raw.Attributes?.SentTimestamp);
      // The caller's budget was counted from when it sent; the time in the queue is spent.
      if (Number.isFinite(sent)) headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - Math.max(0, Date.now() - sent))));
    }
    return {
      id: raw.MessageId ?? "",
      receiptHandle: raw.ReceiptHandle ?? "",
      group: raw.Attributes?.MessageGroupId,
      raw,
      body: fromSqsBody(raw.Body, headers),
      headers,
      attempt: Math.max(1, Number(raw.Attributes?.ApproximateReceiveCount ?? 1)),
      reply: headers.get(replyToHeader),
    };
  };

  /** FIFO: the queued messages whose group is free, at most one per group, oldest first. */
  const takeReady = (max: number): SqsMessage[] => {
    const ready: SqsMessage[] = [];
    const seen = new Set<string>();
    queued = queued.filter((m) => {
      const group = m.group ?? "";
      const take = ready.length < max && !busyGroups.has(group) && !seen.has(group);
      seen.add(group);
      if (take) {
        ready.push(m);
        busyGroups.add(group);
      }
      return !take;
    });
    return ready;
  };

  const fetch = async (count: number, signal: AbortSignal): Promise<SqsMessage[]> => {
    try {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, count),
          WaitTimeSeconds: waitTimeSeconds,
          VisibilityTimeout: visibilityTimeout,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: systemAttributes,
        }),
        { abortSignal: signal },
      );
      const messages = (out.Messages ?? []).map(toMessage);
      for (const m of messages) held.set(m.receiptHandle, m);
      return messages;
    } catch (thrown) {
      if (signal.aborted) return []; // closing; what SQS handed out meanwhile becomes visible at its timeout
      throw thrown;
    }
  };

  return {
    retry: "redeliver",
    batch: 10,

    async receive(max, signal) {
      if (!fifo) {
        for (;;) {
          const messages = await fetch(max, signal);
          if (messages.length > 0 || signal.aborted) return messages;
        }
      }
      for (;;) {
        const ready = takeReady(max);
        if (ready.length > 0 || signal.aborted) return ready;
        const room = max - queued.length;
        if (room <= 0) {
          // Everything held waits for a group in the runtime: wait until one is free.
          await new Promise<void>((resolve) => {
            groupFreed = resolve;
            signal.addEventListener(
              "abort",
              () => {
                resolve();
              },
              { once: true },
            );
          });
          continue;
        }
        queued.push(...(await fetch(room, signal)));
      }
    },

    /**
     * Deletes the message, in a batch. The ack does not wait for the delete while fewer than
     * `pendingDeletes` are under way, so the next receive overlaps it; a delete that fails is
     * reported, and SQS delivers the message again once its visibility timeout (no longer
     * extended) runs out. On a FIFO queue it always waits: the group's next message may run
     * only once this one is gone (or given back, with the rest of its group, if the delete
     * fails), or the order would not hold.
     */
    ack(message) {
      const deleted = deleter.add(message).finally(() => {
        forget(message);
      });
      if (fifo || deleting.size >= config.pendingDeletes) return deleted;
      const tracked = deleted.then(
        () => {
          deleting.delete(tracked);
        },
        (thrown: unknown) => {
          deleting.delete(tracked);
          const why = toKitError(thrown, Code.Unavailable);
          observe(new KitError(why.code, `message ${message.id} was handled but not deleted (SQS delivers it again after its visibility timeout): ${why.message}`, { cause: thrown }));
        },
      );
      deleting.add(tracked);
      return Promise.resolve();
    },

    async retryLater(message, delay) {
      try {
        await setVisibility(message, Math.min(maxVisibility, Math.ceil(delay / 1000)));
      } finally {
        forget(message);
        await releaseQueuedOf(message.group);
      }
    },

    async release(message) {
      try {
        await setVisibility(message, 0);
      } finally {
        forget(message);
        await releaseQueuedOf(message.group);
      }
    },

    async deadLetter(message, errorHeaders) {
      const headers = new Map(message.headers);
      for (const [name, value] of errorHeaders) headers.set(name, value);
      const body = toSqsBody(message.body, headers);
      const deadLetterQueueUrl = await config.deadLetterQueueUrl();
      await client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: body,
          MessageAttributes: toAttributes(headers),
          ...(deadLetterQueueUrl.endsWith(".fifo") ? { MessageGroupId: message.group ?? "kit-dead-letter", MessageDeduplicationId: message.id } : {}),
        }),
      );
      try {
        await deleter.add(message);
      } finally {
        forget(message);
      }
    },

    async reply(message, reply: OutgoingMessage) {
      const to = message.reply;
      if (to === undefined) return;
      const correlation = message.headers.get(correlationHeader);
      if (correlation !== undefined) reply.headers.set(correlationHeader, correlation);
      const body = toSqsBody(reply.body, reply.headers);
      await client.send(
        new SendMessageCommand({
          QueueUrl: to,
          MessageBody: body,
          MessageAttributes: toAttributes(reply.headers),
          ...(to.endsWith(".fifo") ? { MessageGroupId: correlation ?? message.id, MessageDeduplicationId: `${message.id}-reply` } : {}),
        }),
      );
    },

    async close() {
      await Promise.all(deleting); // the handled messages are deleted before anything held is given back
      clearInterval(heartbeat);
      const rest = [...held.values()];
      held.clear();
      queued = [];
      await Promise.all(
        rest.map((m) =>
          setVisibility(m, 0).catch((thrown: unknown) => {
            observe(toKitError(thrown, Code.Unavailable));
          }),
        ),
      );
    },
  };
}
