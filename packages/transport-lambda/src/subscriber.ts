import type { Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage, SubscriberOptions as RuntimeOptions } from "@kit/transport";
import { runSubscriber } from "@kit/transport/driver";
import { Batch } from "./internal/batch.ts";
import { parseRecords, type RecordMessage } from "./internal/sqs-records.ts";
import { invocationDeadline, type InvocationContext } from "./invocation.ts";

/**
 * Sends a record that failed for good to a dead-letter queue of your choice (an SQS
 * `SendMessage` with the record's body, its attributes and `headers` as attributes): the
 * `deadLetter` option of {@link subscriber}. When it resolves the record is done (not retried);
 * when it rejects (three times) the record stays on its queue.
 */
export type DeadLetterSender = (record: Readonly<Record<string, unknown>>, headers: ReadonlyMap<string, string>) => Promise<void>;

/**
 * Options for {@link subscriber}: the message runtime's (`SubscriberOptions` of
 * `@kit/transport`, without `closeTimeout`: an invocation ends when its batch does), plus
 * where records that fail for good go, and the time kept back.
 */
export interface SqsSubscriberOptions extends Omit<RuntimeOptions, "closeTimeout"> {
  /**
   * Where a record that failed for good (a non-retryable error, a body that cannot be
   * decoded, `maxAttempts` receives used up) goes. Without it (the default) such a record is
   * reported in `batchItemFailures` like a retry, and the queue's redrive policy moves it to its
   * dead-letter queue once its receive count passes `maxReceiveCount`: set `maxAttempts` to the
   * same number. With it, the record is sent there at once and removed from the queue.
   */
  readonly deadLetter?: DeadLetterSender;
  /**
   * Milliseconds kept back from the invocation's remaining time (default 500): records still
   * running that much before Lambda would stop the function fail with `deadline_exceeded` and
   * are reported in `batchItemFailures`, so the response is sent in time.
   */
  readonly reserve?: number;
}

/** The partial batch response Lambda reads (with `ReportBatchItemFailures` on the event source mapping). */
export interface SqsBatchResponse {
  /** The records to leave on the queue, to be received again. */
  batchItemFailures: {
    /** The record's `messageId`, as Lambda's partial batch response names it. */
    itemIdentifier: string;
  }[];
}

/** A Lambda handler for SQS events. */
export type SqsHandler = (event: unknown, context?: InvocationContext) => Promise<SqsBatchResponse>;

/** SQS records have no reply address, so the runtime never sends what this writes. */
const noReply: EncodeMessage<unknown> = () => undefined;

/**
 * Serves an endpoint as a Lambda handler for an SQS event source, on the message-subscriber
 * runtime every Kit message transport runs on: each record is decoded and run through the
 * endpoint (`concurrency` at a time), and the runtime's decision says what becomes of it. The
 * handler returns a partial batch response: `batchItemFailures` names each record to try
 * again (a retryable error: `unavailable`, `deadline_exceeded`, `resource_exhausted`,
 * `aborted`), and the rest are deleted by Lambda. A record that fails for good goes to
 * `deadLetter`, or, without one, stays for the queue's redrive policy (see
 * {@link SqsSubscriberOptions.deadLetter}). A record's attempt is its `ApproximateReceiveCount`.
 * The invocation's remaining time (less `reserve`) is every record's deadline, or its
 * `kit-timeout` attribute's if sooner. On a FIFO queue a message group runs in order, and
 * stops at its first record that stays. Enable `ReportBatchItemFailures` on the event source
 * mapping, or Lambda retries the whole batch.
 *
 * An event that is not an SQS event is refused: the promise rejects with `invalid_argument`
 * naming the field, and Lambda reports a function error. It never rejects otherwise.
 *
 * @param endpoint - the endpoint to run on each record
 * @param decode - turns a record into the endpoint's request, such as `decodeJSONMessage`
 * @param options - the runtime's options, the dead-letter sender and the time kept back
 *
 * @example
 * ```ts
 * export const handler = subscriber(placeOrder, decodeJSONMessage(Order), { maxAttempts: 5 });
 * ```
 */
export function subscriber<Req, Res>(endpoint: Endpoint<Req, Res>, decode: DecodeMessage<Req>, options: SqsSubscriberOptions = {}): SqsHandler {
  const { deadLetter, reserve = 500, finalizer = [], ...runtime } = options;
  if (!(reserve >= 0)) throw new RangeError(`reserve must be milliseconds, got ${reserve}`);
  const send = deadLetter === undefined ? undefined : (message: RecordMessage, headers: ReadonlyMap<string, string>) => deadLetter(message.record, headers);
  return async (event, context) => {
    const deadline = invocationDeadline(context, reserve);
    const batch = new Batch(parseRecords(event, deadline), send);
    const sub = runSubscriber(batch.driver, endpoint, decode, noReply, {
      ...runtime,
      finalizer: [...finalizer, (_ctx, outcome) => {
        batch.decided(outcome);
      }],
      closeTimeout: 0,
    });
    let timer: NodeJS.Timeout | undefined;
    // Past the deadline (each record's own deadline fails it then), stop waiting: close() releases what is left.
    const late = deadline === undefined ? undefined : new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline - Date.now() + 50)));
    try {
      await (late === undefined ? batch.finished : Promise.race([batch.finished, late]));
    } finally {
      clearTimeout(timer);
      await sub.close();
    }
    return { batchItemFailures: batch.failures() };
  };
}
