import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, KitError, type Context } from "@kit/endpoint";
import { defaultErrorHandler, type ErrorHandler, type Message } from "@kit/transport";
import { observeErrors, ReplyCorrelator, type ReplyTarget, type SendRequest } from "@kit/transport/driver";
import { fromAttributes } from "./attributes.ts";
import { correlationHeader } from "./headers.ts";
import { fromSqsBody } from "./internal/body.ts";
import { fromSqsError } from "./internal/errors.ts";

/**
 * A queue a {@link publisher} receives replies on, for request/reply over SQS: requests carry
 * its URL in `kit-reply-to` and a fresh `kit-correlation-id`; it long-polls while requests
 * wait, hands each reply to the request with the same id, and deletes it. Replies that nobody
 * waits for any more (their caller gave up) are deleted too. Use one reply queue per process
 * (a queue of its own, not shared with another consumer).
 */
export interface SqsReplyQueue {
  /** The queue's URL. */
  readonly url: string;
  /** Stops polling; requests still waiting, and later ones, fail with `canceled`. Calling it again does nothing. */
  close(): Promise<void>;
}

/** The waiting side of a reply queue: what the publisher calls. */
interface ReplyState {
  /** Registers the call, runs `send`, and resolves with the reply (see `ReplyCorrelator.call`). */
  call(ctx: Context, correlationId: string, target: ReplyTarget, send: SendRequest): Promise<Message>;
}

const states = new WeakMap<SqsReplyQueue, ReplyState>();

/** The waiting side of a reply queue, for the publisher. */
export function replyStateOf(queue: SqsReplyQueue): ReplyState {
  const state = states.get(queue);
  if (state === undefined) throw new TypeError("not a reply queue made by replyQueue()");
  return state;
}

/** Options for {@link replyQueue}. */
export interface SqsReplyQueueOptions {
  /** Long-poll wait of each receive, in seconds (1–20); default 20. */
  readonly waitTimeSeconds?: number;
  /**
   * Told about receive and delete failures (polling goes on after a pause); default
   * `defaultErrorHandler`, a warning line on stderr, as for every Kit subscriber.
   */
  readonly errorHandler?: ErrorHandler;
}

/**
 * Makes a {@link SqsReplyQueue} on an existing queue.
 *
 * @param client - the user's `SQSClient`
 * @param url - the reply queue's URL
 * @param options - poll wait and an error callback
 *
 * @example
 * ```ts
 * const replies = replyQueue(sqs, replyUrl);
 * const sum = publisher(sqs, sumUrl, encodeJSONMessage, decodeJSONMessage(SumReply), { replies });
 * const { v } = await sum(withTimeout(background(), 5_000)[0], { a: 1, b: 2 });
 * await replies.close();
 * ```
 */
export function replyQueue(client: SQSClient, url: string, options: SqsReplyQueueOptions = {}): SqsReplyQueue {
  const { waitTimeSeconds = 20 } = options;
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const calls = new ReplyCorrelator<Message>();
  let poll: AbortController | undefined;
  let closed = false;

  const deliver = (message: Message): void => {
    const id = message.headers.get(correlationHeader);
    if (typeof id === "string") calls.deliver(id, message); // a reply nobody waits for any more is dropped (and deleted below)
  };

  const isAborted = (signal: AbortSignal): boolean => signal.aborted; // read afresh after awaits
  const loop = async (): Promise<void> => {
    const controller = new AbortController();
    poll = controller;
    let failures = 0;
    while (calls.waiting > 0 && !controller.signal.aborted) {
      try {
        const out = await client.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds, MessageAttributeNames: ["All"] }),
          { abortSignal: controller.signal },
        );
        failures = 0;
        const messages = out.Messages ?? [];
        for (const raw of messages) {
          const headers = fromAttributes(raw.MessageAttributes);
          deliver({ body: fromSqsBody(raw.Body, headers), headers, attempt: 1 });
        }
        if (messages.length > 0) {
          await client.send(
            new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) }),
          );
        }
      } catch (thrown) {
        if (isAborted(controller.signal)) break;
        failures += 1;
        observe(background(), fromSqsError(thrown, `reply queue ${url}`));
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** failures)));
      }
    }
    if (poll === controller) poll = undefined;
    if (calls.waiting > 0 && !closed) void loop(); // a request arrived as this loop ended
  };

  const queue: SqsReplyQueue = {
    url,
    async close() {
      if (closed) return;
      closed = true;
      poll?.abort();
      calls.close(new KitError(Code.Canceled, "the reply queue was closed"));
      await Promise.resolve();
    },
  };
  states.set(queue, {
    async call(ctx, correlationId, target, send) {
      const reply = calls.call(ctx, correlationId, target, send);
      if (poll === undefined && !closed) void loop();
      try {
        return await reply;
      } finally {
        if (calls.waiting === 0) poll?.abort(); // nobody waits: stop long-polling
      }
    },
  });
  return queue;
}
