import { randomUUID } from "node:crypto";
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage, PublisherOptions } from "@kit/transport";
import { messagePublisher, replyDecoder, replyTarget, sendAsIs, stampSentAt, textBody, type SendMessage } from "@kit/transport/driver";
import type { MqttClient } from "mqtt";
import { publishConfirmed } from "./internal/client.ts";
import { publishWithin, PubackWaits } from "./internal/confirm.ts";
import { toUserProperties } from "./internal/properties.ts";
import { PublishOptions } from "./internal/publish-options.ts";
import { replyTopicOf } from "./internal/reply-topic.ts";
import { isTopicName } from "./internal/topics.ts";

/**
 * Options for {@link publisher}: the Go kit hooks every Kit message publisher has (`before`,
 * `after`, `finalizer`), the wait bound, and the response topic of request/reply.
 */
export interface MqttPublisherOptions extends PublisherOptions {
  /**
   * How long a call whose context has no deadline waits for its PUBACK, or for its reply when
   * it is a request, in milliseconds (default 30 000, `defaultReplyTimeout`): the same meaning in
   * every Kit requester. It is the caller's side only: just a context's deadline travels, as the
   * `kit-timeout` user property.
   */
  readonly timeout?: number;
  /**
   * Request/reply: the response topic this client waits for replies on. Default
   * `kit/replies/<clientId>`, inside a subscriber's default reply namespace.
   */
  readonly replyTopic?: string;
}

/**
 * Publishes each request to an MQTT topic at QoS 1, Go kit's publisher shape, and resolves once
 * the broker confirmed it (its PUBACK): the message is the broker's. A PUBACK with a reason code
 * of failure (0x80 and above: not authorized, quota exceeded…) rejects with the `KitError` its
 * code means (see the README's error table); a client that is not connected rejects at once with
 * `unavailable` (not sent). A PUBACK saying no subscription matched (0x10) resolves: MQTT does not
 * count that as a failure, and the broker dropped the message.
 *
 * With a `decode`, it is a requester: the request carries an MQTT 5 response topic
 * (`replyTopic`) and fresh correlation data, and the call resolves with the decoded reply, or
 * rejects with the `KitError` the subscriber answered; bounded by the context's deadline (sent
 * as `kit-timeout`) or, without one, by `timeout` (not sent). A request no subscription matched
 * fails at once with `unavailable`.
 *
 * @param client - the user's mqtt.js client (MQTT 5 for request/reply and user properties)
 * @param topic - the topic to publish to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: fire and forget, confirmed by the broker
 * @param options - hooks and the wait bound
 *
 * @example
 * ```ts
 * const placeOrder = publisher(client, "orders", encodeJSONMessage, undefined);
 * await placeOrder(background(), { id: "o-1", total: 42 }); // resolves on the PUBACK
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the client in front
export function publisher<Req>(client: MqttClient, topic: string, encode: EncodeMessage<Req>, decode: undefined, options?: MqttPublisherOptions): Endpoint<Req, void>;
/**
 * Request/reply: see the first overload.
 *
 * @param client - the user's mqtt.js client, MQTT 5
 * @param topic - the topic a {@link subscriber} serves
 * @param encode - writes the request
 * @param decode - reads the reply, such as `decodeJSONMessage`
 * @param options - hooks, the wait bound and the response topic
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  client: MqttClient,
  topic: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: MqttPublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  client: MqttClient,
  topic: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: MqttPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  if (typeof topic !== "string" || !isTopicName(topic)) throw new TypeError(`topic must be a topic name without wildcards, got ${JSON.stringify(topic)}`);
  if (options.replyTopic !== undefined && !isTopicName(options.replyTopic)) {
    throw new TypeError(`options.replyTopic must be a topic name without wildcards, got ${JSON.stringify(options.replyTopic)}`);
  }
  const target = replyTarget("MQTT topic", topic, options.timeout);
  if (decode === undefined) {
    const waits = new PubackWaits(target);
    const publishOptions = new PublishOptions();
    const send: SendMessage<Req> = (ctx, message) => {
      stampSentAt(message.headers);
      // the encoder's text as it is, when it wrote text: mqtt.js sends its UTF-8 bytes without copying them first
      return publishWithin(ctx, waits, client, topic, textBody(message) ?? message.body, publishOptions.for(message.headers));
    };
    return messagePublisher<Req, Res>(send, encode, undefined, options, sendAsIs); // it resolves with undefined and rejects with KitErrors only
  }
  const send: SendMessage<Req> = (ctx, message) => {
    stampSentAt(message.headers);
    const replies = replyTopicOf(client, options.replyTopic);
    const id = randomUUID();
    return replies.calls.call(ctx, id, target, async () => {
      await replies.subscribed();
      const props = {
        userProperties: toUserProperties(message.headers),
        responseTopic: replies.topic,
        correlationData: Buffer.from(id),
        // the broker drops a request its caller gave up on: whole seconds, rounded up
        messageExpiryInterval: ctx.deadline === undefined ? undefined : Math.max(1, Math.ceil((ctx.deadline - Date.now()) / 1_000)),
      };
      const reason = await publishConfirmed(client, topic, message.body, props);
      if (reason === 0x10) replies.calls.fail(id, new KitError(Code.Unavailable, `MQTT request to ${topic}: no subscription matches the topic`));
    });
  };
  return messagePublisher(send, encode, replyDecoder(decode, target), options);
}
