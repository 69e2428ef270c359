// The MQTT transport of addsvc: the server side (a subscriber per endpoint on MQTT 5 topics, in a
// shared subscription) and the client side (an AddClient over two request/reply publishers, with
// MQTT 5's response topic and correlation data). Both are the code kitgen writes from the
// AddService interface (src/generated/add.mqtt.ts, on @kit/transport-mqtt); this file names the
// topics, logs, and reads requests and answers errors in the HTTP transport's JSON.
//
// Wire format (message-wire.ts): the JSON bodies of the HTTP transport: a request
// `{"a":…,"b":…}` (Go's field rules), a reply `{"v":…}`. A business error is a reply too, with
// `kit-error-code`/`kit-error-message` user properties and the HTTP error body. A request that
// cannot be decoded is answered `invalid_argument`; a message that cannot be decoded and has no
// response topic (nobody to answer) goes to the dead-letter topic `<topic>/dead`, once.
import { logErrorHandler, whenReady } from "@kit/transport";
import type { MqttPublisherOptions } from "@kit/transport-mqtt";
import type { MqttClient } from "mqtt";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { mqttSubscribers, mqttTransport } from "./generated/add.mqtt.ts";
import { encodeErrorReply } from "./message-wire.ts";
import type { Logger } from "./middleware.ts";

/** What {@link serveMqtt} needs besides the client and the endpoints. */
export interface ServeMqttOptions {
  /** Gets the startup line and one line per transport error (decode errors, lost connections). */
  readonly logger: Logger;
  /** The topics are `<topicPrefix>/sum` and `<topicPrefix>/concat`; default `"addsvc"`. */
  readonly topicPrefix?: string;
  /** The shared subscription's group the instances of addsvc share the requests in; default `"addsvc"`. */
  readonly group?: string;
  /** Requests each endpoint runs at once; default 16 (the client's `receiveMaximum` should match). */
  readonly concurrency?: number;
}

/** A running MQTT server, as {@link serveMqtt} returns it. */
export interface MqttServer {
  /** The topics served, sum's then concat's; each one's dead letters go to `<topic>/dead`. */
  readonly topics: readonly [string, string];
  /** Lets the requests in flight finish and be acknowledged; the client stays yours to end. */
  close(): Promise<void>;
}

/**
 * Serves addsvc's Sum and Concat endpoints over MQTT 5 with kitgen's `mqttSubscribers`
 * (`@kit/transport-mqtt`): a subscriber on `<topicPrefix>/sum` and one on
 * `<topicPrefix>/concat`, each in the shared subscription `$share/<group>/…`, at least once
 * (QoS 1, the PUBACK sent after the reply). A request that cannot be decoded is answered
 * `invalid_argument`; such a message without a response topic is dead-lettered once to
 * `<topic>/dead`. Resolves once the broker granted both subscriptions; logs
 * `transport=MQTT topics=…`.
 *
 * The client must be MQTT 5 on a persistent session and not connected yet: call this in the same
 * turn as `connect()` (see the README of `@kit/transport-mqtt`).
 *
 * @param client - an mqtt.js client from `connect()`, not yet connected
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger, the topic prefix, the group, the concurrency
 *
 * @example
 * ```ts
 * const client = connect("mqtt://127.0.0.1:1883", { protocolVersion: 5, clientId: "addsvc-1", clean: false, properties: { sessionExpiryInterval: 3600, receiveMaximum: 16 } });
 * const server = await serveMqtt(client, endpoints, { logger });
 * await server.close();
 * await client.endAsync();
 * ```
 */
export async function serveMqtt(client: MqttClient, endpoints: EndpointSet, options: ServeMqttOptions): Promise<MqttServer> {
  const { logger, topicPrefix = "addsvc", group = "addsvc", concurrency = 16 } = options;
  const subscriber = { concurrency, group, errorHandler: logErrorHandler(logger), errorEncoder: encodeErrorReply };
  const subscribers = await whenReady(mqttSubscribers(client, generatedEndpoints(endpoints), { prefix: topicPrefix, subscriber }));
  const topics = [`${topicPrefix}/sum`, `${topicPrefix}/concat`] as const;
  logger.log("transport", "MQTT", "topics", topics.join(","), "group", group);
  return { topics, close: () => subscribers.close() };
}

/** Options for {@link mqttClient}. */
export interface MqttClientOptions extends MqttPublisherOptions {
  /** The server's topic prefix; default `"addsvc"`. */
  readonly topicPrefix?: string;
}

/**
 * An {@link AddClient} that calls addsvc over MQTT ({@link serveMqtt}) by request and reply,
 * through kitgen's `mqttTransport` (`@kit/transport-mqtt`'s `publisher`): the reply comes on
 * the client's response topic (`kit/replies/<clientId>`); the context's deadline travels as
 * `kit-timeout` and bounds the wait (`deadline_exceeded`); a business error comes back as the
 * same `KitError`; no server is `unavailable` at once; a reply that is not `{"v": …}` of the right
 * type is `internal`.
 *
 * @param client - a connected MQTT 5 client
 * @param options - the server's topic prefix and `@kit/transport-mqtt` publisher options
 */
export function mqttClient(client: MqttClient, options: MqttClientOptions = {}): AddClient {
  const { topicPrefix = "addsvc", ...publisher } = options;
  return addClient(mqttTransport(client, { prefix: topicPrefix, publisher }));
}
