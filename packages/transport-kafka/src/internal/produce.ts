import { setTimeout as pause } from "node:timers/promises";
import { Code, isKitError, KitError, untilAborted, withTimeout, type Context } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import type { Producer, ProducerRecord } from "kafkajs";
import { headersToKafka } from "../headers.ts";
import { brokerAway } from "./broker-away.ts";
import { fromKafkaError } from "./errors.ts";

/**
 * How long a send whose context has no deadline waits for a broker that is away, in
 * milliseconds: two minutes, the default `delivery.timeout.ms` of Kafka's own producer.
 */
const brokerWaitWithoutDeadline = 120_000;

/**
 * Sends one record with `acks: -1` and the context's deadline in `kit-timeout`, and sends it
 * again while the broker is away (see {@link brokerAway}), until the broker acknowledges it or
 * the context ends (`deadline_exceeded`, `canceled`). A context with no deadline waits at most
 * `waitWithoutDeadline` ms, then fails with `unavailable`. Any other failure is a `KitError` by
 * the package's table (`errors.ts`), at once.
 */
// eslint-disable-next-line max-params -- the record's parts, shared by the publisher and the requester
export async function produce(
  ctx: Context,
  producer: Producer,
  topic: string,
  key: string | Buffer | null,
  message: OutgoingMessage,
  waitWithoutDeadline: number = brokerWaitWithoutDeadline,
): Promise<void> {
  const value = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
  // Stamped once: a record sent again still tells the subscriber how long it has been on its way (`kit-timeout` was set now).
  const timestamp = String(Date.now());
  const record: ProducerRecord = { topic, acks: -1, messages: [{ key, value, headers: headersToKafka(message.headers), timestamp }] };
  const [bounded, cancel] = ctx.deadline === undefined ? withTimeout(ctx, waitWithoutDeadline) : [ctx, () => undefined];
  let lastFailure: unknown;
  try {
    await sendUntilAcknowledged(bounded, producer, record, (thrown) => (lastFailure = thrown));
  } catch (thrown) {
    if (bounded !== ctx && !ctx.signal.aborted && thrown === bounded.signal.reason) {
      const last = lastFailure === undefined ? "" : `; the last failure: ${fromKafkaError(lastFailure, "produce").message}`;
      const message = `Kafka produce to topic ${topic}: not acknowledged within ${String(waitWithoutDeadline)} ms (the context has no deadline)${last}`;
      throw new KitError(Code.Unavailable, message, { cause: lastFailure });
    }
    throw fromKafkaError(thrown, `produce to topic ${topic}`); // the context's own reason is a KitError, kept as is
  } finally {
    cancel();
  }
}

/**
 * Sends `record` until the broker acknowledges it: after a failure because the broker is away,
 * waits a little (100 ms, doubling up to 1 s) and sends it again, while `ctx` lasts. Rejects
 * with the context's reason when it ends, or with the first failure that is not the broker's
 * absence; `failed` sees each failure.
 */
async function sendUntilAcknowledged(ctx: Context, producer: Producer, record: ProducerRecord, failed: (thrown: unknown) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await untilAborted(ctx.signal, () => producer.send(record));
      return;
    } catch (thrown) {
      if (isKitError(thrown) || !brokerAway(thrown)) throw thrown;
      failed(thrown);
    }
    await pause(Math.min(100 * 2 ** (attempt - 1), 1_000), undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) throw ctx.signal.reason as KitError;
  }
}
