import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import { sqsDriver } from "./internal/driver.ts";

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
 * `kit-reply-to` attribute (see {@link replyQueue}) is answered on that queue.
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
): Subscriber {
  const { waitTimeSeconds = 20, visibilityTimeout = 30 } = options;
  if (!(Number.isInteger(waitTimeSeconds) && waitTimeSeconds >= 0 && waitTimeSeconds <= 20)) {
    throw new RangeError(`waitTimeSeconds must be a whole number from 0 to 20, got ${waitTimeSeconds}`);
  }
  if (!(Number.isInteger(visibilityTimeout) && visibilityTimeout >= 1 && visibilityTimeout <= 43_200)) {
    throw new RangeError(`visibilityTimeout must be whole seconds from 1 to 43200, got ${visibilityTimeout}`);
  }
  const observe = observeErrors(options.errorHandler);
  let dlq: Promise<string> | undefined;
  const deadLetterQueueUrl = (): Promise<string> => {
    dlq ??= resolveDeadLetterQueue(client, queueUrl, options.deadLetterQueueUrl);
    dlq.catch(() => {
      dlq = undefined; // ask again next time
    });
    return dlq;
  };
  const driver = sqsDriver({
    client,
    queueUrl,
    deadLetterQueueUrl,
    waitTimeSeconds,
    visibilityTimeout,
    pendingDeletes: options.concurrency ?? 16,
    observe: (err) => {
      observe(background(), err);
    },
  });
  const receive = driver.receive.bind(driver);
  let deadLetterKnown = false;
  const running = runSubscriber(
    {
      ...driver,
      // No message is taken before the dead-letter queue is known: a poison message must have somewhere to go.
      async receive(max, signal) {
        if (!deadLetterKnown) {
          await deadLetterQueueUrl();
          deadLetterKnown = true;
        }
        return receive(max, signal);
      },
    },
    endpoint,
    decode,
    encode,
    options,
  );
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= running.close().finally(() => driver.close()));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

async function resolveDeadLetterQueue(client: SQSClient, queueUrl: string, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["RedrivePolicy"] }));
  const policy = out.Attributes?.RedrivePolicy;
  const arn = policy === undefined ? undefined : (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  const name = arn?.split(":").at(-1);
  if (name === undefined || name === "") {
    throw new KitError(
      Code.FailedPrecondition,
      `queue ${queueUrl} has no dead-letter queue: give deadLetterQueueUrl or set a RedrivePolicy, so poison messages have somewhere to go`,
    );
  }
  const url = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  if (url.QueueUrl === undefined) throw new KitError(Code.NotFound, `dead-letter queue ${name} not found`);
  return url.QueueUrl;
}
