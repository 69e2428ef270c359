import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { defaultErrorHandler, type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { MqttClient } from "mqtt";
import { MqttDriver, type MqttMessage } from "./internal/driver.ts";
import { isTopicFilter, isTopicName } from "./internal/topics.ts";
import { defaultReplyPrefix } from "./internal/reply-topic.ts";

/** Options for an MQTT {@link subscriber}: the runtime's, plus MQTT's own. */
export interface MqttSubscriberOptions extends SubscriberOptions {
  /**
   * Where a message that failed for good is published (QoS 1, its user properties plus
   * `kit-error-code`, `kit-error-message` and `kit-attempts`), before it is acknowledged.
   * Subscribe to it with a persistent session: a broker drops a message no subscription matches.
   */
  readonly deadLetterTopic: string;
  /**
   * The consumer group: the subscription is the shared subscription `$share/<group>/<topic>`,
   * so each message goes to one member of the group. Without one, every subscriber gets every
   * message.
   */
  readonly group?: string;
  /**
   * The reply namespace: the topic prefixes a request's response topic may start with. A
   * request whose response topic is outside them is not answered but dead-lettered as
   * `permission_denied`, so whoever can publish to the topic cannot make the subscriber publish,
   * with its credentials, anywhere it may. Default `["kit/replies/"]`, where the requesters of
   * {@link publisher} wait. `[""]` accepts any topic.
   */
  readonly replyNamespace?: readonly string[];
}

/**
 * Runs `endpoint` on every message of an MQTT 5 topic filter, on Kit's subscriber runtime, at
 * QoS 1 and at least once: the PUBACK goes to the broker only after the endpoint (and the reply,
 * for a request) succeeded, so a message whose consumer dies is sent again when the session
 * reconnects. The client must be the user's own mqtt.js client with a persistent session
 * (`protocolVersion: 5`, `clean: false`, a fixed `clientId`, `properties.sessionExpiryInterval`
 * above 0), so messages wait in the broker while the subscriber is away; set its
 * `properties.receiveMaximum` to `concurrency`, which bounds what the broker sends before a
 * PUBACK. Create the subscriber in the same turn as the client (`connect(…)`, not after
 * `await connectAsync(…)`): the messages the session kept arrive right after the broker accepts
 * the connection, and mqtt.js acknowledges at once whatever no subscriber holds.
 *
 * A retryable failure is tried again in place after the backoff, up to `maxAttempts` (MQTT
 * cannot redeliver on a live connection); a message that fails for good (or cannot be decoded)
 * goes to `deadLetterTopic` with `kit-error-*` user properties, then is acknowledged. A message
 * with an MQTT 5 response topic is a request: the reply goes there with its correlation data.
 * A `kit-timeout` user property is the deadline, less the time since the message's `kit-sent-at`
 * (which Kit's publisher adds), so time spent waiting in the broker counts.
 *
 * The subscriber takes over `client.handleMessage` for the topics of its filter (other topics
 * go to the client's own). `close()` stops taking messages, finishes what is in flight (up to
 * `closeTimeout`) and leaves the rest unacknowledged, with the subscription, in the session:
 * end the client afterwards, and they come back on the session's next connection.
 *
 * @param client - the user's mqtt.js client, MQTT 5 with a persistent session
 * @param topic - the topic filter (`+` and `#` allowed)
 * @param endpoint - runs on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - `deadLetterTopic`, `group`, and the runtime's options
 *
 * @example
 * ```ts
 * const client = connect("mqtt://127.0.0.1:1883", {
 *   protocolVersion: 5, clean: false, clientId: "billing-1",
 *   properties: { sessionExpiryInterval: 3600, receiveMaximum: 16 },
 * });
 * const sub = subscriber(client, "orders", bill, decodeJSONMessage(Order), encodeJSONMessage, {
 *   group: "billing",
 *   deadLetterTopic: "orders/dead",
 * });
 * await sub.ready; // rejects when the client cannot connect or the broker refuses the subscription
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the client and topic in front
export function subscriber<Req, Res>(
  client: MqttClient,
  topic: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: MqttSubscriberOptions,
): Subscriber {
  const { deadLetterTopic, group, replyNamespace = [defaultReplyPrefix] } = options;
  if (typeof topic !== "string" || !isTopicFilter(topic) || topic.startsWith("$share/")) {
    throw new TypeError(`topic must be an MQTT topic filter (without $share/), got ${JSON.stringify(topic)}`);
  }
  if (typeof deadLetterTopic !== "string" || !isTopicName(deadLetterTopic)) {
    throw new TypeError(`options.deadLetterTopic must be a topic name without wildcards, got ${JSON.stringify(deadLetterTopic)}`);
  }
  if (group !== undefined && (group === "" || /[/+#]/.test(group))) {
    throw new TypeError(`options.group must be a name without "/", "+" or "#", got ${JSON.stringify(group)}`);
  }
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const driver = new MqttDriver(client, {
    filter: topic,
    subscription: group === undefined ? topic : `$share/${group}/${topic}`,
    deadLetterTopic,
    replyAllowed: (to) => isTopicName(to) && replyNamespace.some((prefix) => to.startsWith(prefix)),
    report: (err) => {
      observe(background(), err);
    },
  });
  const running = runSubscriber(driver, endpoint, refuseForeignReplies(decode), encode, options);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= running.close().finally(() => {
      driver.close();
    }));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** A request whose response topic the driver refused fails before it is decoded: dead-lettered as `permission_denied`. */
function refuseForeignReplies<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as Partial<MqttMessage>).refusedReply;
    if (refused !== undefined) {
      throw new KitError(Code.PermissionDenied, `response topic ${JSON.stringify(refused)} is outside the subscriber's reply namespace; not answered`);
    }
    return decode(ctx, message);
  };
}
