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
import { Code, KitError } from "@kit/endpoint";
import { type Message, type OutgoingMessage } from "@kit/transport";
import { timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import { fromAttributes, toAttributes } from "../attributes.ts";
import { correlationHeader, replyToHeader } from "../headers.ts";
import { batcher, type Batcher, type Settled } from "./batcher.ts";
import { fromSqsBody, toSqsBody } from "./body.ts";
import { fromBatchFailure, fromSqsError } from "./errors.ts";
import { checkQueues } from "./queues.ts";

/** A message as the SQS driver hands it to the runtime. */
export interface SqsMessage extends Message {
  /** SQS's id for the message. */
  readonly id: string;
  /**
   * The handle that deletes it or changes its visibility: the newest, when SQS hands the message
   * out again while the driver still holds it (see `SqsDriver`).
   */
  receiptHandle: string;
  /** Its message group, on a FIFO queue. */
  readonly group: string | undefined;
  /** The message as SQS returned it. */
  readonly raw: RawMessage;
  /** Its headers: the message attributes. */
  readonly headers: Map<string, string>;
  /** A `kit-reply-to` outside the reply namespace, which the subscriber dead-letters as `permission_denied`; `reply` is then unset. */
  readonly refusedReply: string | undefined;
}

/** What the driver needs. */
export interface SqsDriverConfig {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Where poison messages go: the `deadLetterQueueUrl` option, else the queue's redrive policy's target (found by `ready`). */
  readonly deadLetterQueueUrl: string | undefined;
  /** Long-poll wait, seconds (0–20). */
  readonly waitTimeSeconds: number;
  /** How long a received message stays invisible, seconds; extended while it is handled. */
  readonly visibilityTimeout: number;
  /**
   * How many handled messages may wait for their delete while the subscriber goes on receiving;
   * past that, an ack waits for its delete.
   */
  readonly pendingDeletes: number;
  /** Whether a request's `kit-reply-to` queue URL may be answered (see the subscriber's `replyNamespace`). */
  readonly replyAllowed: (queueUrl: string) => boolean;
  /** Told about failures that no caller sees (visibility extensions, deletes not waited for). */
  readonly observe: (err: KitError) => void;
}

const maxVisibility = 43_200; // SQS's limit: 12 hours

const done: Settled<undefined> = { ok: true, value: undefined };

/**
 * The SQS `MessageDriver`: long-polls the queue in batches of up to 10, never more than the
 * runtime asks for; deletes (in batches) after success; retries by making a message visible
 * again after the backoff (SQS counts the receive, which is the next attempt); moves poison to
 * the dead-letter queue; keeps every message it holds invisible while it is handled; and, on a
 * FIFO queue, hands the runtime one message of a group at a time, in order. Every AWS SDK
 * failure becomes a `KitError` by the package's one table (`errors.ts`).
 */
export class SqsDriver implements MessageDriver<SqsMessage> {
  readonly retry = "redeliver" as const;
  readonly batch = 10;
  readonly #config: SqsDriverConfig;
  readonly #fifo: boolean;
  /** The attempt, the sending time (to take the time in the queue off a `kit-timeout`), and, on a FIFO queue, the group. */
  readonly #systemAttributes: MessageSystemAttributeName[];
  /** Every message received and neither settled nor being deleted, by id: extended on each heartbeat. */
  readonly #held = new Map<string, SqsMessage>();
  /** FIFO: groups with a message in the runtime (or its delete under way). */
  readonly #busyGroups = new Set<string>();
  /** Deletes of handled messages under way, which `ack` did not wait for and `close` does. */
  readonly #deleting = new Set<Promise<void>>();
  /**
   * FIFO: received messages that wait for their group, in the order SQS gave them. Always this
   * one array, changed in place: the long poll under way adds to it what SQS returns, while
   * settling a message may take that message's group out of it meanwhile.
   */
  readonly #queued: SqsMessage[] = [];
  /**
   * FIFO: the long poll under way, which adds what it brings to `#queued`; a failure stays here
   * until a `receive` throws it.
   */
  #fetching: Promise<void> | undefined;
  /** FIFO: wakes a `receive` waiting for a group to be free. */
  #groupFreed: (() => void) | undefined;
  /** Where poison messages go, once `ready` has checked it. */
  #deadLetterQueueUrl: string | undefined;
  readonly #deleter: Batcher<SqsMessage, undefined>;
  readonly #heartbeat: NodeJS.Timeout;
  /**
   * The heartbeat's visibility extensions under way (settled, never rejecting). A message given
   * back waits for them: SQS might apply one after the give-back and hide the message again for
   * a whole visibility timeout.
   */
  readonly #extending = new Set<Promise<void>>();

  constructor(config: SqsDriverConfig) {
    this.#config = config;
    this.#fifo = config.queueUrl.endsWith(".fifo");
    this.#systemAttributes = this.#fifo ? ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"] : ["ApproximateReceiveCount", "SentTimestamp"];
    this.#deleter = batcher<SqsMessage, undefined>((batch) => this.#deleteBatch(batch), 10, 0);
    this.#heartbeat = setInterval(() => {
      this.#extendAll();
    }, Math.max(1, config.visibilityTimeout / 3) * 1000);
    this.#heartbeat.unref();
  }

  /**
   * Checks that the queue and its dead-letter queue exist (the runtime receives nothing before):
   * a poison message must have somewhere to go.
   */
  async ready(signal: AbortSignal): Promise<void> {
    const { client, queueUrl, deadLetterQueueUrl } = this.#config;
    this.#deadLetterQueueUrl = await checkQueues(client, queueUrl, deadLetterQueueUrl, signal);
  }

  async receive(max: number, signal: AbortSignal): Promise<readonly SqsMessage[]> {
    if (!this.#fifo) {
      for (;;) {
        const messages = await this.#fetch(max, signal);
        if (messages.length > 0 || signal.aborted) return messages;
      }
    }
    for (;;) {
      const ready = this.#takeReady(max);
      if (ready.length > 0 || signal.aborted) return ready;
      const room = max - this.#queued.length;
      if (room > 0) this.#fetching ??= this.#fetchQueued(room, signal);
      // A group freed meanwhile hands its next message on at once, without waiting the long poll out.
      const fetching = this.#fetching;
      try {
        await this.#groupFreeOr(fetching, signal);
      } catch (thrown) {
        if (this.#fetching === fetching) this.#fetching = undefined;
        throw thrown;
      }
    }
  }

  /**
   * Deletes the message, in a batch. The ack does not wait for the delete while fewer than
   * `pendingDeletes` are under way, so the next receive overlaps it; a delete that fails is
   * reported, and SQS delivers the message again once its visibility timeout (no longer
   * extended) runs out. On a FIFO queue it always waits: the group's next message may run
   * only once this one is gone (or given back, with the rest of its group, if the delete
   * fails), or the order would not hold.
   */
  ack(message: SqsMessage): Promise<void> {
    this.#unhold(message); // being deleted: the heartbeat leaves it alone
    const deleted = this.#deleter.add(message).finally(() => {
      this.#forget(message);
    });
    if (this.#fifo || this.#deleting.size >= this.#config.pendingDeletes) return deleted;
    const tracked = deleted.then(
      () => {
        this.#deleting.delete(tracked);
      },
      (thrown: unknown) => {
        this.#deleting.delete(tracked);
        const why = fromSqsError(thrown, `delete from ${this.#config.queueUrl}`);
        this.#config.observe(new KitError(why.code, `message ${message.id} was handled but not deleted (SQS delivers it again after its visibility timeout): ${why.message}`, { cause: thrown }));
      },
    );
    this.#deleting.add(tracked);
    return Promise.resolve();
  }

  async retryLater(message: SqsMessage, delay: number): Promise<void> {
    try {
      await this.#giveBack(message, Math.min(maxVisibility, Math.ceil(delay / 1000)));
    } finally {
      this.#forget(message);
      await this.#releaseQueuedOf(message.group);
    }
  }

  async release(message: SqsMessage): Promise<void> {
    try {
      await this.#giveBack(message, 0);
    } finally {
      this.#forget(message);
      await this.#releaseQueuedOf(message.group);
    }
  }

  async deadLetter(message: SqsMessage, errorHeaders: ReadonlyMap<string, string>): Promise<void> {
    const headers = new Map(message.headers);
    for (const [name, value] of errorHeaders) headers.set(name, value);
    const body = toSqsBody(message.body, headers);
    const to = this.#deadLetterQueueUrl;
    if (to === undefined) throw new KitError(Code.FailedPrecondition, `queue ${this.#config.queueUrl}: no dead-letter queue known yet`);
    const command = new SendMessageCommand({
      QueueUrl: to,
      MessageBody: body,
      MessageAttributes: toAttributes(headers),
      ...(to.endsWith(".fifo") ? { MessageGroupId: message.group ?? "kit-dead-letter", MessageDeduplicationId: message.id } : {}),
    });
    await this.#call(`send to the dead-letter queue ${to}`, this.#config.client.send(command));
    this.#unhold(message);
    try {
      await this.#deleter.add(message);
    } finally {
      this.#forget(message);
    }
  }

  async reply(message: SqsMessage, reply: OutgoingMessage): Promise<void> {
    const to = message.reply;
    if (to === undefined) return;
    const correlation = message.headers.get(correlationHeader);
    if (correlation !== undefined) reply.headers.set(correlationHeader, correlation);
    const body = toSqsBody(reply.body, reply.headers);
    const command = new SendMessageCommand({
      QueueUrl: to,
      MessageBody: body,
      MessageAttributes: toAttributes(reply.headers),
      ...(to.endsWith(".fifo") ? { MessageGroupId: correlation ?? message.id, MessageDeduplicationId: `${message.id}-reply` } : {}),
    });
    await this.#call(`reply to ${to}`, this.#config.client.send(command));
  }

  /** Waits for the deletes under way, stops extending visibility, and makes every message it still holds visible again. */
  async close(): Promise<void> {
    await this.#fetching?.catch(() => undefined); // what the last long poll brought is given back too
    await Promise.all(this.#deleting); // the handled messages are deleted before anything held is given back
    clearInterval(this.#heartbeat);
    const rest = [...this.#held.values()]; // the FIFO messages waiting for their group are held too
    this.#queued.length = 0;
    await Promise.all(
      rest.map((m) =>
        this.#giveBack(m, 0).catch((thrown: unknown) => {
          this.#report(thrown);
        }),
      ),
    );
  }

  // --- receiving -----------------------------------------------------------------------------

  async #fetch(count: number, signal: AbortSignal): Promise<SqsMessage[]> {
    const { queueUrl, waitTimeSeconds, visibilityTimeout } = this.#config;
    try {
      const out = await this.#config.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, count),
          WaitTimeSeconds: waitTimeSeconds,
          VisibilityTimeout: visibilityTimeout,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: this.#systemAttributes,
        }),
        { abortSignal: signal },
      );
      const messages = (out.Messages ?? []).map((raw) => this.#toMessage(raw)).filter((m) => !this.#heldAgain(m));
      for (const m of messages) this.#held.set(m.id, m);
      return messages;
    } catch (thrown) {
      if (signal.aborted) return []; // closing; what SQS handed out meanwhile becomes visible at its timeout
      throw fromSqsError(thrown, `receive from ${queueUrl}`);
    }
  }

  /**
   * Whether `again` is a message the driver still holds, which SQS handed out a second time: its
   * visibility ran out before the heartbeat extended it (the heartbeat came late, the event loop
   * blocked). The held message takes the new receipt handle (SQS deletes a message received again
   * by its newest handle only) and the copy is dropped: neither the message nor, on a FIFO
   * queue, its group runs twice here. Reported, since another consumer may have received it too.
   */
  #heldAgain(again: SqsMessage): boolean {
    const held = this.#held.get(again.id);
    if (held === undefined) return false;
    held.receiptHandle = again.receiptHandle;
    const late = `its visibility timeout (${String(this.#config.visibilityTimeout)} s) ran out before the heartbeat extended it`;
    this.#config.observe(new KitError(Code.Aborted, `message ${held.id} was received again while this subscriber held it: ${late}; it is not handed out twice here`));
    return true;
  }

  #toMessage(raw: RawMessage): SqsMessage {
    const headers = fromAttributes(raw.MessageAttributes);
    const timeout = headers.get(timeoutHeader);
    if (timeout !== undefined && /^\d{1,8}$/.test(timeout)) {
      const sent = Number(raw.Attributes?.SentTimestamp);
      // The caller's budget was counted from when it sent; the time in the queue is spent.
      if (Number.isFinite(sent)) headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - Math.max(0, Date.now() - sent))));
    }
    const replyTo = headers.get(replyToHeader);
    const allowed = replyTo === undefined || this.#config.replyAllowed(replyTo);
    return {
      id: raw.MessageId ?? "",
      receiptHandle: raw.ReceiptHandle ?? "",
      group: raw.Attributes?.MessageGroupId,
      raw,
      body: fromSqsBody(raw.Body, headers),
      headers,
      attempt: Math.max(1, Number(raw.Attributes?.ApproximateReceiveCount ?? 1)),
      reply: allowed ? replyTo : undefined,
      refusedReply: allowed ? undefined : replyTo,
    };
  }

  /** FIFO: the queued messages whose group is free, at most one per group, oldest first. */
  #takeReady(max: number): SqsMessage[] {
    const seen = new Set<string>();
    let taken = 0;
    return takeOut(this.#queued, (m) => {
      const group = m.group ?? "";
      const take = taken < max && !this.#busyGroups.has(group) && !seen.has(group);
      seen.add(group);
      if (take) {
        taken += 1;
        this.#busyGroups.add(group);
      }
      return take;
    });
  }

  /** FIFO: a long poll for `count` messages, which go to `#queued` (not to this `receive` alone). */
  #fetchQueued(count: number, signal: AbortSignal): Promise<void> {
    const fetching = this.#fetch(count, signal).then((fetched) => {
      this.#queued.push(...fetched);
      this.#fetching = undefined;
    });
    fetching.catch(() => undefined); // the failure is thrown by the receive that waits for it, or the next one
    return fetching;
  }

  /**
   * FIFO: resolves when a group is freed, `fetching` is over or `signal` aborts (rejects when
   * `fetching` fails), leaving no listener behind.
   */
  async #groupFreeOr(fetching: Promise<void> | undefined, signal: AbortSignal): Promise<void> {
    let wake = (): void => undefined;
    const freed = new Promise<void>((resolve) => (wake = resolve));
    this.#groupFreed = wake;
    signal.addEventListener("abort", wake, { once: true });
    try {
      await Promise.race([freed, fetching ?? freed]);
    } finally {
      signal.removeEventListener("abort", wake);
      if (this.#groupFreed === wake) this.#groupFreed = undefined;
    }
  }

  // --- settling ------------------------------------------------------------------------------

  /** Stops holding `message` (not a copy of it received since, after it was given back). */
  #unhold(message: SqsMessage): void {
    if (this.#held.get(message.id) === message) this.#held.delete(message.id);
  }

  /** The message is out of the runtime's hands: stop extending it, free its group. */
  #forget(message: SqsMessage): void {
    this.#unhold(message);
    if (message.group !== undefined && this.#busyGroups.delete(message.group)) this.#groupFreed?.();
  }

  /**
   * FIFO: the group's later messages this driver holds go back to the queue too, so SQS
   * delivers them again after the one being retried, in order.
   */
  async #releaseQueuedOf(group: string | undefined): Promise<void> {
    if (group === undefined) return;
    const later = takeOut(this.#queued, (m) => m.group === group);
    await Promise.all(
      later.map(async (m) => {
        await this.#giveBack(m, 0).catch((thrown: unknown) => { this.#report(thrown); }); // it becomes visible at its timeout anyway
      }),
    );
  }

  async #deleteBatch(batch: readonly SqsMessage[]): Promise<Settled<undefined>[]> {
    const { queueUrl } = this.#config;
    const entries = batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle }));
    const out = await this.#call(`delete from ${queueUrl}`, this.#config.client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    return batch.map((_, i) => {
      const failure = out.Failed?.find((f) => f.Id === String(i));
      return failure === undefined ? done : { ok: false, error: fromBatchFailure(failure, `delete from ${queueUrl}`) };
    });
  }

  /** Extends the visibility of every message held, in batches of 10; a failure for a message still held is reported. */
  #extendAll(): void {
    const { queueUrl, visibilityTimeout } = this.#config;
    const messages = [...this.#held.values()];
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const entries = batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: visibilityTimeout }));
      const extending = this.#config.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const settled = extending.then(
        (out) => {
          for (const f of out.Failed ?? []) {
            const message = batch[Number(f.Id)];
            // settled meanwhile, or received again (its new receipt handle is extended from now on)
            if (message === undefined || !this.#held.has(message.id) || message.receiptHandle !== entries[Number(f.Id)]?.ReceiptHandle) continue;
            const why = fromBatchFailure(f, `extend visibility in ${queueUrl}`);
            this.#config.observe(new KitError(why.code, `could not extend the visibility of message ${message.id}: ${why.message}`));
          }
        },
        (thrown: unknown) => {
          this.#report(thrown);
        },
      ).finally(() => {
        this.#extending.delete(settled);
      });
      this.#extending.add(settled);
    }
  }

  /**
   * Makes a held message visible again after `seconds`: it stops being held (the heartbeat
   * leaves it alone from now on), and the change waits for the extensions under way, so that
   * none of them lands after it.
   */
  async #giveBack(message: SqsMessage, seconds: number): Promise<void> {
    this.#unhold(message);
    if (this.#extending.size > 0) await Promise.all(this.#extending);
    await this.#setVisibility(message, seconds);
  }

  #setVisibility(message: SqsMessage, seconds: number): Promise<unknown> {
    const { queueUrl } = this.#config;
    const command = new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle, VisibilityTimeout: seconds });
    return this.#call(`change visibility in ${queueUrl}`, this.#config.client.send(command));
  }

  /** What `client.send` resolves with; its failure as a `KitError` by the package's table, naming `what`. */
  async #call<Out>(what: string, sending: Promise<Out>): Promise<Out> {
    try {
      return await sending;
    } catch (thrown) {
      throw fromSqsError(thrown, what);
    }
  }

  #report(thrown: unknown): void {
    this.#config.observe(fromSqsError(thrown, `queue ${this.#config.queueUrl}`));
  }
}

/** Takes the items `take` picks out of `list`, in place, and returns them in their order. */
function takeOut<T>(list: T[], take: (item: T) => boolean): T[] {
  const taken: T[] = [];
  let kept = 0;
  for (const item of list) {
    if (take(item)) taken.push(item);
    else list[kept++] = item;
  }
  list.length = kept;
  return taken;
}
