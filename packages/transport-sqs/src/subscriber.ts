import type { SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { defaultErrorHandler, type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import { SqsDriver, type SqsMessage } from "./internal/driver.ts";

/** Options for an SQS {@link subscriber}: the runtime's, plus SQS's own. */
export interface SqsSubscriberOptions extends SubscriberOptions {
  /**
   * Where poison messages go (a queue URL). Default: the queue's redrive policy's
   * `deadLetterTargetArn`. The subscriber takes no message until it knows one.
   */
  readonly deadLetterQueueUrl?: string;
  /** Long-poll wait of each receive, in seconds (0–20); default 20. */
  readonly waitTimeSeconds?: number;
  /**
   * How long a received message stays invisible to other consumers, in seconds; default 30.
   * While the endpoint works, the subscriber extends it every third of that time, so a long
   * handler does not see its message delivered twice.
   */
  readonly visibilityTimeout?: number;
  /**
   * The reply namespace: the queue URL prefixes a request's `kit-reply-to` may start with. A
   * request whose reply address is outside them is not answered but dead-lettered as
   * `permission_denied`, so whoever can write to the queue cannot make the subscriber send,
   * with its credentials, to any queue it can reach. Default: the queue's own URL (without
   * `.fifo`) followed by `-replies`, so the requests on `…/orders` may be answered on
   * `…/orders-replies`, `…/orders-replies-7f3a.fifo` and the like. `[""]` accepts any address.
   */
  readonly replyNamespace?: readonly string[];
}

/** A running SQS subscriber. */
export interface SqsSubscriber extends Subscriber {
  /**
   * Resolves once the queue and its dead-letter queue (`deadLetterQueueUrl`, or the queue's
   * redrive policy's target) are known to exist; rejects at the first failed check with a
   * `KitError`: `not_found` for a queue that does not exist, `failed_precondition` for a queue
   * with no dead-letter queue, `permission_denied`/`unauthenticated` for credentials SQS
   * refuses, `unavailable` when SQS cannot be reached. The subscriber receives nothing before;
   * a failed check is reported to the `errorHandler` and stops the subscriber.
   */
  readonly ready: Promise<void>;
}

/**
 * Runs `endpoint` on every message of an SQS queue, on Kit's subscriber runtime: long polling
 * in batches of up to 10 (never more than `concurrency` allows), the message deleted only
 * after success (deletes batched, and on a standard queue not waited for before the next
 * receive while fewer than `concurrency` are under way), its visibility extended while the
 * endpoint works, a retryable failure made visible again after the backoff (SQS's receive count is the attempt,
 * so retries survive a restart), a poison message sent to the dead-letter queue at once with
 * `kit-error-code`, `kit-error-message` and `kit-attempts` attributes and then deleted. On a
 * FIFO queue, messages of one group are handled one after another, in order. A message with a
 * `kit-reply-to` attribute (see {@link replyQueue}) inside `replyNamespace` is answered on that
 * queue; one outside is dead-lettered as `permission_denied`.
 *
 * @param client - the user's `SQSClient`
 * @param queueUrl - the queue to consume
 * @param endpoint - runs on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the runtime's options (`concurrency`, `maxAttempts`, hooks…) and SQS's
 *
 * @example
 * ```ts
 * const sub = subscriber(sqs, ordersUrl, placeOrder, decodeJSONMessage(Order), encodeJSONMessage, {
 *   concurrency: 16,
 *   deadLetterQueueUrl: ordersDlqUrl,
 * });
 * await sub.ready; // rejects with not_found when a queue is missing
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the client and queue in front
export function subscriber<Req, Res>(
  client: SQSClient,
  queueUrl: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: SqsSubscriberOptions = {},
): SqsSubscriber {
  const { waitTimeSeconds = 20, visibilityTimeout = 30 } = options;
  if (!(Number.isInteger(waitTimeSeconds) && waitTimeSeconds >= 0 && waitTimeSeconds <= 20)) {
    throw new RangeError(`waitTimeSeconds must be a whole number from 0 to 20, got ${waitTimeSeconds}`);
  }
  if (!(Number.isInteger(visibilityTimeout) && visibilityTimeout >= 1 && visibilityTimeout <= 43_200)) {
    throw new RangeError(`visibilityTimeout must be whole seconds from 1 to 43200, got ${visibilityTimeout}`);
  }
  const replyNamespace = options.replyNamespace ?? [`${queueUrl.replace(/\.fifo$/, "")}-replies`];
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler); // what the driver reports goes where the runtime's reports go
  const driver = new SqsDriver({
    client,
    queueUrl,
    deadLetterQueueUrl: options.deadLetterQueueUrl,
    waitTimeSeconds,
    visibilityTimeout,
    pendingDeletes: options.concurrency ?? 16,
    replyAllowed: (to) => replyNamespace.some((prefix) => to.startsWith(prefix)),
    observe: (err) => {
      observe(background(), err);
    },
  });
  const running = runSubscriber(driver, endpoint, refuseForeignReplies(decode), encode, options);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= running.close().finally(() => driver.close()));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** A request whose reply address the driver refused fails before it is decoded: dead-lettered as `permission_denied`. */
function refuseForeignReplies<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as Partial<SqsMessage>).refusedReply;
    if (refused !== undefined) {
      throw new KitError(Code.PermissionDenied, `kit-reply-to ${JSON.stringify(refused)} is outside the subscriber's reply namespace; not answered`);
    }
    return decode(ctx, message);
  };
}

