import { randomUUID } from "node:crypto";
import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Message } from "@kit/transport";
import { messagePublisher, ReplyCorrelator, replyDecoder, replyTarget, type SendMessage } from "@kit/transport/driver";
import { type ConsumerConfig, type Kafka, type Producer } from "kafkajs";
import { correlationIdHeader, headersFromKafka, replyTopicHeader } from "./headers.ts";
import { fromKafkaError } from "./internal/errors.ts";
import { produce } from "./internal/produce.ts";
import { atLeastOnceProducer } from "./producer.ts";
import type { KafkaPublisherOptions } from "./publisher.ts";

/** Options for {@link requester}. */
export interface KafkaRequesterOptions<Req> extends KafkaPublisherOptions<Req> {
  /**
   * The topic the replies come back on; every requester reads all of it and keeps its own. A Kit
   * subscriber answers only inside its reply namespace, by default `<topic>.replies…`
   * (`KafkaSubscriberOptions.replyNamespace`): name it so, such as `sum.replies`.
   */
  readonly replyTopic: string;
  /** Hooks run in order on each reply, before it is decoded. */
  readonly after?: readonly ((ctx: Context, reply: Message) => Context | Promise<Context>)[];
  /** The producer for requests; by default an {@link atLeastOnceProducer} of its own, disconnected on close. */
  readonly producer?: Producer;
  /**
   * More kafkajs settings for the reply consumer (its group is its own). `maxWaitTimeInMs`
   * defaults to 100, `sessionTimeout` to 10 000 (as the subscriber's: it bounds how soon replies
   * are read again after a broker restart).
   */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
  /**
   * How long a call whose context has no deadline waits for its reply, in milliseconds (default
   * 30 000, `defaultReplyTimeout`), the same meaning in every Kit requester. It is the caller's
   * side only: just a context's deadline travels, as `kit-timeout`.
   */
  readonly timeout?: number;
}

/** A request/reply client over Kafka: an `Endpoint`, plus `close()` for its consumer and producer. */
export type KafkaRequester<Req, Res> = Endpoint<Req, Res> & {
  /** Fails the calls still waiting with `canceled`, and disconnects. */
  close(): Promise<void>;
  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Calls an endpoint that a Kit {@link subscriber} serves on a topic, by request and reply, for
 * the users who need an answer over Kafka. Resolves once its reply consumer reads the reply
 * topic. Each call produces the request like {@link publisher} (key, hooks, `kit-timeout`,
 * `acks: -1`, sent again while the broker is away) with `kit-reply-topic` and a fresh
 * `kit-correlation-id`, then waits for the
 * reply with that id, bounded by the context (`deadline_exceeded`, `canceled`), or by
 * `timeout` (30 s by default) when the context has no deadline. A reply with `kit-error-code`
 * fails the call with that code and message; any other is read by `decode`, and one it cannot
 * read is `internal`. `close()` fails the calls still waiting with `canceled`.
 *
 * @param kafka - the kafkajs client
 * @param topic - the topic the subscriber consumes
 * @param encode - writes the request, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - the reply topic, the key function and hooks
 *
 * @example
 * ```ts
 * const sum = await requester(kafka, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { replyTopic: "sum.replies" });
 * const [ctx, cancel] = withTimeout(background(), 5_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * await sum.close();
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the client in front
export async function requester<Req, Res>(
  kafka: Kafka,
  topic: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options: KafkaRequesterOptions<Req>,
): Promise<KafkaRequester<Req, Res>> {
  const { replyTopic, key } = options;
  const target = replyTarget("Kafka topic", topic, options.timeout);
  const replies = new ReplyCorrelator<Message>();
  const producer = options.producer ?? atLeastOnceProducer(kafka);
  const consumer = kafka.consumer({ maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 3_000, ...options.consumer, groupId: `kit-requester-${randomUUID()}` });
  const ready = new Promise<void>((resolve, reject) => {
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    // the first fetch after joining has fixed where reading starts: no reply sent from now on is missed
    consumer.on(consumer.events.FETCH, () => {
      if (joined) resolve();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) reject(fromKafkaError(event.payload.error, `read replies from topic ${replyTopic}`)); // kafkajs restarts after a retriable one
    });
  });
  ready.catch(() => undefined);
  try {
    if (options.producer === undefined) await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: replyTopic, fromBeginning: false });
    await consumer.run({
      // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
      eachMessage: async ({ message }) => {
        const headers = headersFromKafka(message.headers);
        const id = headers.get(correlationIdHeader);
        if (id === undefined) return;
        const value = message.value ?? Buffer.alloc(0);
        replies.deliver(id, { body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), headers, attempt: 1 }); // a late reply is dropped
      },
    });
    await ready;
  } catch (thrown) {
    await consumer.disconnect().catch(() => undefined);
    if (options.producer === undefined) await producer.disconnect().catch(() => undefined);
    throw fromKafkaError(thrown, `read replies from topic ${replyTopic}`);
  }

  const send: SendMessage<Req> = (ctx, message, request) => {
    const id = randomUUID();
    message.headers.set(replyTopicHeader, replyTopic);
    message.headers.set(correlationIdHeader, id);
    return replies.call(ctx, id, target, () => produce(ctx, producer, topic, key?.(request) ?? null, message, target.timeout));
  };
  const call = messagePublisher(send, encode, replyDecoder(decode, target), options);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      replies.close(new KitError(Code.Canceled, "requester closed"));
      await consumer.disconnect();
      if (options.producer === undefined) await producer.disconnect();
    })());
  return Object.assign(call, { close, [Symbol.asyncDispose]: close });
}
