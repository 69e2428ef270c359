import { Code, KitError, toKitError } from "@kit/endpoint";
import type { IClientPublishOptions, MqttClient } from "mqtt";
import { fromMqttError } from "./errors.ts";
import type { UserProperties } from "./properties.ts";

/** The part of mqtt.js's client the subscriber needs and its typings keep private. */
interface PacketSender {
  _sendPacket(packet: { cmd: "puback"; messageId: number; reasonCode: number }): void;
}

/**
 * Sends the PUBACK of the QoS 1 message `id` on the connection that is up, through mqtt.js's
 * own packet writer (the one its automatic acknowledgements use), so it goes out in order with
 * everything else the client writes.
 *
 * @param client - the connected client
 * @param id - the message's packet identifier
 */
export function sendPuback(client: MqttClient, id: number): void {
  (client as unknown as PacketSender)._sendPacket({ cmd: "puback", messageId: id, reasonCode: 0 });
}

/**
 * Makes room on `client` for `count` more listeners of each event (a negative `count` gives it
 * back), so that many subscribers and waiting calls on one client do not trip Node's
 * `MaxListenersExceededWarning`, which is meant for leaks. No limit (0) stays no limit.
 *
 * @param client - the client
 * @param count - the listeners added (or, negative, removed) for each event
 */
export function makeListenerRoom(client: MqttClient, count: number): void {
  const limit = client.getMaxListeners();
  if (limit !== 0) client.setMaxListeners(Math.max(1, limit + count));
}

/**
 * Resolves once `client` is connected: at once when it is, else at its next `connect`; rejects
 * with the first failure of the attempt (`error`, or a `close` before it connected) as a
 * `KitError`, or with the signal's reason when `signal` aborts first.
 *
 * @param client - the client
 * @param signal - stops the wait
 * @param what - what is being done, for the error's message
 */
export function connected(client: MqttClient, signal: AbortSignal, what: string): Promise<void> {
  if (client.connected) return Promise.resolve();
  if (signal.aborted) return Promise.reject(toKitError(signal.reason));
  return new Promise((resolve, reject) => {
    const settle = (err: KitError | undefined): void => {
      client.off("connect", onConnect);
      client.off("error", onError);
      client.off("close", onClose);
      makeListenerRoom(client, -1);
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onConnect = (): void => {
      settle(undefined);
    };
    const onError = (err: Error): void => {
      settle(fromMqttError(err, what));
    };
    const onClose = (): void => {
      settle(new KitError(Code.Unavailable, `MQTT ${what}: the connection closed before the broker accepted it`));
    };
    const onAbort = (): void => {
      settle(toKitError(signal.reason));
    };
    makeListenerRoom(client, 1);
    client.on("connect", onConnect);
    client.on("error", onError);
    client.on("close", onClose);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Per client: the packet identifiers whose PUBACK said no subscription matched (0x10), until their publish resolves. */
const unmatched = new WeakMap<MqttClient, Set<number>>();

/**
 * The set {@link publishConfirmed} reads the 0x10 PUBACKs of `client` from. mqtt.js resolves a
 * publish with the packet it sent, not the PUBACK, so the reason code is read as the PUBACK
 * arrives (`packetreceive` comes before the publish's callback, which frees the identifier).
 */
function unmatchedOf(client: MqttClient): Set<number> {
  let ids = unmatched.get(client);
  if (ids === undefined) {
    const seen = new Set<number>();
    client.on("packetreceive", (packet) => {
      if (packet.cmd === "puback" && packet.reasonCode === 0x10 && packet.messageId !== undefined) seen.add(packet.messageId);
    });
    unmatched.set(client, seen);
    ids = seen;
  }
  return ids;
}

/** The MQTT 5 properties a Kit publish may carry. */
export interface PublishProperties {
  readonly userProperties?: UserProperties | undefined;
  readonly responseTopic?: string | undefined;
  readonly correlationData?: Buffer | undefined;
  /** Seconds after which the broker drops the message undelivered. */
  readonly messageExpiryInterval?: number | undefined;
  /** Whether the caller needs to know that no subscription matched (0x10). */
  readonly tellNoMatch?: boolean;
}

/**
 * Publishes at QoS 1 and calls `done` once: with the PUBACK's reason code once the broker
 * confirmed it (0, or 0x10 when no subscription matched), or with a `KitError` for a reason code
 * of failure (see `mqttReasonCodes`) or a connection that is down (`unavailable`: not sent).
 *
 * @param client - the client
 * @param topic - where to publish
 * @param body - the payload
 * @param props - user properties, response topic, correlation data, expiry
 * @param done - gets the error, or the reason code: 0x10 only where `props.tellNoMatch` asked
 *   for it (which costs a listener on every packet the client receives), else 0
 */
// eslint-disable-next-line max-params -- a publish: where, what, with which properties, and whom to tell
export function publishQos1(client: MqttClient, topic: string, body: Uint8Array, props: PublishProperties, done: (err: KitError | undefined, reason: number) => void): void {
  if (!client.connected) {
    done(new KitError(Code.Unavailable, `MQTT publish to ${topic}: not connected to the broker; not sent`), 0);
    return;
  }
  const properties: NonNullable<IClientPublishOptions["properties"]> = {};
  if (props.userProperties !== undefined) properties.userProperties = props.userProperties;
  if (props.responseTopic !== undefined) properties.responseTopic = props.responseTopic;
  if (props.correlationData !== undefined) properties.correlationData = props.correlationData;
  if (props.messageExpiryInterval !== undefined) properties.messageExpiryInterval = props.messageExpiryInterval;
  const noMatch = props.tellNoMatch === true ? unmatchedOf(client) : undefined;
  const payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  client.publish(topic, payload, { qos: 1, properties }, (err, sent) => {
    if (err instanceof Error) { // mqtt.js passes null on success
      done(fromMqttError(err, `publish to ${topic}`), 0);
      return;
    }
    const id = sent?.messageId;
    done(undefined, id !== undefined && noMatch?.delete(id) === true ? 0x10 : 0);
  });
}

/**
 * {@link publishQos1} as a promise, telling 0x10 (no subscription matched): resolves with the
 * PUBACK's reason code, rejects with the `KitError`.
 *
 * @param client - the client
 * @param topic - where to publish
 * @param body - the payload
 * @param props - user properties, response topic, correlation data, expiry
 */
export function publishConfirmed(client: MqttClient, topic: string, body: Uint8Array, props: PublishProperties): Promise<number> {
  return new Promise((resolve, reject) => {
    publishQos1(client, topic, body, { ...props, tellNoMatch: true }, (err, reason) => {
      if (err === undefined) resolve(reason);
      else reject(err);
    });
  });
}
