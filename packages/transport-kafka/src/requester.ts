import { randomUUID } from "node:crypto";
import { Code, KitError, toKitError, untilAborted, type Context, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Message } from "@kit/transport";
import { messagePublisher, type SendMessage } from "@kit/transport/driver";
import { Partitioners, type ConsumerConfig, type Kafka, type Producer } from "kafkajs";
import { correlationIdHeader, headersFromKafka, replyTopicHeader } from "./headers.ts";
import { produce } from "./internal/produce.ts";
import type { PublisherOptions } from "./publisher.ts";

/** Options for {@link requester}. */
export interface RequesterOptions<Req> extends PublisherOptions<Req> {
  /** The topic the replies come back on; every requester reads all of it and keeps its own. */
  readonly replyTopic: string;
  /** Hooks run in order on each reply, before it is decoded. */
  readonly after?: readonly ((ctx: Context, reply: Message) => Context | Promise<Context>)[];
  /** The producer for requests; by default an idempotent one of its own, disconnected on close. */
  readonly producer?: Producer;
  /** More kafkajs settings for the reply consumer (its group is its own). `maxWaitTimeInMs` defaults to 100. */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
}

/** A request/reply client over Kafka: an `Endpoint`, plus `close()` for its consumer and producer. */
export type Requester<Req, Res> = Endpoint<Req, Res> & {
  /** Fails the calls still waiting with `canceled`, and disconnects. */
  close(): Promise<void>;
  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
};

interface Waiting {
  resolve(reply: Message): void;
}

/**
 * Calls an endpoint that a Kit {@link subscriber} serves on a topic, by request and reply, for
 * the users who need an answer over Kafka. Resolves once its reply consumer reads the reply
 * topic. Each call produces the request like {@link publisher} (key, hooks, `kit-timeout`,
 * `acks: -1`) with `kit-reply-topic` and a fresh `kit-correlation-id`, then waits for the
 * reply with that id, bounded by the context (`deadline_exceeded`, `canceled`). A reply with
 * `kit-error-code` fails the call with that code and message; any other is read by `decode`.
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
  options: RequesterOptions<Req>,
): Promise<Requester<Req, Res>> {
  const { replyTopic, key } = options;
  const waiting = new Map<string, Waiting>();
  const producer = options.producer ?? kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ maxWaitTimeInMs: 100, ...options.consumer, groupId: `kit-requester-${randomUUID()}` });
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
      reject(toKitError(event.payload.error, Code.Unavailable));
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
        waiting.get(id)?.resolve({ body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), headers, attempt: 1 });
      },
    });
    await ready;
  } catch (thrown) {
    await consumer.disconnect().catch(() => undefined);
    if (options.producer === undefined) await producer.disconnect().catch(() => undefined);
    throw toKitError(thrown, Code.Unavailable);
  }

  const closed = new AbortController();
  const send: SendMessage<Req> = async (ctx, message, request) => {
    if (closed.signal.aborted) throw new KitError(Code.Canceled, "requester closed");
    const id = randomUUID();
    message.headers.set(replyTopicHeader, replyTopic);
    message.headers.set(correlationIdHeader, id);
    const replied = new Promise<Message>((resolve) => {
      waiting.set(id, { resolve });
    });
    try {
      const signal = AbortSignal.any([ctx.signal, closed.signal]);
      await produce(ctx, producer, topic, key?.(request) ?? null, message);
      return await untilAborted(signal, () => replied);
    } finally {
      waiting.delete(id);
    }
  };
  const call = messagePublisher(send, encode, decode, options);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      closed.abort(new KitError(Code.Canceled, "requester closed"));
      await consumer.disconnect();
      if (options.producer === undefined) await producer.disconnect();
    })());
  return Object.assign(call, { close, [Symbol.asyncDispose]: close });
}
