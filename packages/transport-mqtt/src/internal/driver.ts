import { Code, KitError } from "@kit/endpoint";
import type { Message, OutgoingMessage } from "@kit/transport";
import { spendTimeInQueue, timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import type { IConnackPacket, IPublishPacket, MqttClient } from "mqtt";
import { connected, makeListenerRoom, publishConfirmed, sendPuback } from "./client.ts";
import { fromMqttError, fromReasonCode } from "./errors.ts";
import { OutageReports } from "./outage.ts";
import { toUserProperties, UserPropertyHeaders } from "./properties.ts";
import { topicMatcher } from "./topics.ts";

/** The runtime's view of an MQTT delivery, with what the driver needs to settle it. */
export interface MqttMessage extends Message {
  /** Its user properties, as headers. */
  readonly headers: UserPropertyHeaders;
  /** The topic it was published to. */
  readonly topic: string;
  /** Its packet identifier on the connection that brought it (0 for QoS 0). */
  readonly id: number;
  /** 0: nothing to acknowledge; 1: a PUBACK is owed. */
  readonly qos: number;
  /** MQTT 5 correlation data, copied onto the reply. */
  readonly correlation: Buffer | undefined;
  /** A response topic outside the reply namespace, refused: the message is dead-lettered unanswered. */
  readonly refusedReply: string | undefined;
  /** Whether its PUBLISH is unacknowledged on the connection that is up now (so a PUBACK settles it). */
  live: boolean;
  /** Whether the runtime took it (it runs, or ran). */
  taken: boolean;
  /** Handled, but its connection was gone: its resend, on the session's next connection, is acknowledged at once. */
  owed: boolean;
  /** The broker forgot it (a session that was not resumed): there is nothing to acknowledge. */
  orphan: boolean;
}

/** What the driver needs besides the client. */
export interface MqttDriverOptions {
  /** The topic filter messages come from, without the `$share/<group>/` prefix. */
  readonly filter: string;
  /** What is subscribed to: the filter, or `$share/<group>/<filter>`. */
  readonly subscription: string;
  /** Where messages that failed for good are published. */
  readonly deadLetterTopic: string;
  /** Whether a request's response topic is inside the reply namespace. */
  readonly replyAllowed: (topic: string) => boolean;
  /** Reports an error that belongs to no attempt (the subscriber's error handler). */
  readonly report: (err: KitError) => void;
}

/** What mqtt.js's packet loop gets instead of a PUBACK: an error makes it send none (and go on). */
const held = new Error("held by the Kit subscriber until its endpoint is done");

/**
 * The {@link MessageDriver} for an MQTT 5 QoS 1 subscription on a persistent session:
 *
 * - it takes over `client.handleMessage` for the topics of its filter, so mqtt.js sends no
 *   PUBACK itself; the PUBACK goes out only when the runtime acknowledges (or dead-letters) the
 *   message. Other topics go to the `handleMessage` the client had;
 * - retries are `"in-place"`: MQTT cannot give a message back on a live connection (a PUBACK
 *   with a failure reason still removes it), so the message keeps its place in the in-flight
 *   window while it waits;
 * - `release` leaves the message unacknowledged: the broker sends it again on the session's
 *   next connection;
 * - after a reconnection that resumed the session, the broker resends every unacknowledged
 *   PUBLISH with its packet identifier: one the runtime still holds is attached to it again (not
 *   run twice), one handled while the connection was down is acknowledged at once, one not yet
 *   taken is dropped here (its resend takes its place).
 */
export class MqttDriver implements MessageDriver<MqttMessage> {
  readonly retry = "in-place";
  readonly #client: MqttClient;
  readonly #options: MqttDriverOptions;
  readonly #previous: MqttClient["handleMessage"];
  readonly #matches: (topic: string) => boolean;
  /** Messages of QoS 1 the broker waits a PUBACK for, by packet identifier. */
  readonly #tracked = new Map<number, MqttMessage>();
  #queue: MqttMessage[] = [];
  #wake: (() => void) | undefined;
  /** The signal whose abort wakes a waiting receive. */
  #watched: AbortSignal | undefined;
  #closed = false;
  #up: boolean;
  readonly #outage: OutageReports;

  constructor(client: MqttClient, options: MqttDriverOptions) {
    this.#client = client;
    this.#options = options;
    this.#up = client.connected;
    this.#outage = new OutageReports(`connection for ${options.subscription}`, options.report);
    this.#matches = topicMatcher(options.filter);
    this.#previous = client.handleMessage.bind(client);
    client.handleMessage = (packet, callback) => {
      this.#arrive(packet, callback);
    };
    makeListenerRoom(client, 1); // for the client's life, as the listeners
    client.on("connect", this.#onConnect);
    client.on("close", this.#onClose);
    client.on("error", this.#onError);
  }

  async ready(signal: AbortSignal): Promise<void> {
    const { options } = this.#client;
    if (options.protocolVersion !== 5) {
      throw new KitError(Code.FailedPrecondition, `MQTT subscription to ${this.#options.subscription}: the client must speak MQTT 5 (protocolVersion: 5)`);
    }
    if (options.clean !== false || !((options.properties?.sessionExpiryInterval ?? 0) > 0)) {
      throw new KitError(
        Code.FailedPrecondition,
        `MQTT subscription to ${this.#options.subscription}: the client needs a persistent session (clean: false, properties.sessionExpiryInterval above 0), or messages do not wait while it is away`,
      );
    }
    await connected(this.#client, signal, `connect for ${this.#options.subscription}`);
    let granted: { qos: number }[];
    try {
      granted = await this.#client.subscribeAsync(this.#options.subscription, { qos: 1 });
    } catch (thrown) {
      throw fromMqttError(thrown, `subscribe to ${this.#options.subscription}`);
    }
    const reason = granted[0]?.qos ?? 0x80;
    if (reason >= 0x80) throw fromReasonCode(reason, `subscribe to ${this.#options.subscription}`);
    if (reason < 1) {
      throw new KitError(Code.FailedPrecondition, `MQTT subscribe to ${this.#options.subscription}: the broker granted QoS 0 only (at most once, no acknowledgements)`);
    }
  }

  receive(max: number, signal: AbortSignal): Promise<readonly MqttMessage[]> {
    if (this.#queue.length > 0 || signal.aborted) return Promise.resolve(this.#take(max));
    if (this.#watched !== signal) {
      // One listener for the subscriber's life, not one per receive: the runtime passes its own signal each time.
      this.#watched = signal;
      signal.addEventListener("abort", () => this.#wake?.(), { once: true });
    }
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve(this.#take(max));
      };
    });
  }

  ack(message: MqttMessage): undefined {
    if (message.qos === 0 || message.orphan || this.#tracked.get(message.id) !== message) return undefined;
    if (message.live && this.#up) {
      this.#tracked.delete(message.id);
      sendPuback(this.#client, message.id);
    } else {
      message.owed = true;
    }
    return undefined;
  }

  release(message: MqttMessage): Promise<void> {
    // Nothing to send: MQTT has no negative acknowledgement. Unacknowledged, it comes back on
    // the session's next connection, as a new delivery.
    if (this.#tracked.get(message.id) === message && !message.owed) this.#tracked.delete(message.id);
    return Promise.resolve();
  }

  async deadLetter(message: MqttMessage, headers: ReadonlyMap<string, string>): Promise<void> {
    const all = new Map(message.headers.toMap());
    for (const [name, value] of headers) all.set(name, value);
    const { deadLetterTopic } = this.#options;
    const reason = await publishConfirmed(this.#client, deadLetterTopic, message.body, { userProperties: toUserProperties(all) });
    if (reason === 0x10) {
      this.#options.report(new KitError(Code.DataLoss, `MQTT dead letter to ${deadLetterTopic}: no subscription matches it, so the broker dropped it (subscribe to it with a persistent session)`));
    }
    this.ack(message);
  }

  async reply(message: MqttMessage, reply: OutgoingMessage): Promise<void> {
    const to = message.reply;
    if (to === undefined) return;
    // 0x10 (no subscriber) means the caller is gone: nothing more to do.
    await publishConfirmed(this.#client, to, reply.body, { userProperties: toUserProperties(reply.headers), correlationData: message.correlation });
  }

  /** Stops taking messages: what comes now stays unacknowledged, for the session's next connection. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  #take(max: number): MqttMessage[] {
    const taken = this.#queue.length <= max ? this.#queue : this.#queue.slice(0, max);
    this.#queue = taken === this.#queue ? [] : this.#queue.slice(max);
    for (const message of taken) message.taken = true;
    return taken;
  }

  #arrive(packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (!this.#matches(packet.topic)) {
      this.#previous(packet, callback);
      return;
    }
    const id = packet.messageId ?? 0;
    const known = packet.qos > 0 ? this.#tracked.get(id) : undefined;
    if (known?.live === false) {
      // The resend of one held from a connection before: it runs (or ran) already.
      known.live = true;
      if (known.owed) {
        this.#tracked.delete(id);
        sendPuback(this.#client, id);
      }
      callback(held);
      return;
    }
    if (this.#closed) {
      callback(packet.qos > 0 ? held : undefined);
      return;
    }
    const message = this.#message(packet, id);
    if (packet.qos > 0) this.#tracked.set(id, message);
    this.#queue.push(message);
    this.#wake?.();
    callback(packet.qos > 0 ? held : undefined);
  }

  #message(packet: IPublishPacket, id: number): MqttMessage {
    const props = packet.properties;
    const responseTopic = props?.responseTopic === undefined || props.responseTopic === "" ? undefined : props.responseTopic;
    const allowed = responseTopic === undefined || this.#options.replyAllowed(responseTopic);
    const headers = new UserPropertyHeaders(props?.userProperties);
    if (headers.get(timeoutHeader) !== undefined) spendTimeInQueue(headers.toMap()); // a deadline counts the time in the broker
    return {
      body: packet.payload as Buffer,
      headers,
      attempt: packet.dup ? 2 : 1,
      reply: allowed ? responseTopic : undefined,
      refusedReply: allowed ? undefined : responseTopic,
      topic: packet.topic,
      id,
      qos: packet.qos,
      correlation: props?.correlationData,
      live: true,
      taken: false,
      owed: false,
      orphan: false,
    };
  }

  readonly #onConnect = (connack: IConnackPacket): void => {
    this.#up = true;
    if (!this.#closed) this.#outage.connected(connack.sessionPresent);
    if (connack.sessionPresent) {
      // The broker resends what is unacknowledged: what was not taken yet comes again with it.
      const stale = this.#queue.filter((message) => !message.live && message.qos > 0);
      for (const message of stale) this.#tracked.delete(message.id);
      this.#queue = this.#queue.filter((message) => message.live || message.qos === 0);
      return;
    }
    // A new session: the broker forgot every message it sent before; handle them, acknowledge none.
    for (const message of this.#tracked.values()) message.orphan = true;
    this.#tracked.clear();
  };

  readonly #onClose = (): void => {
    if (!this.#up) return;
    this.#up = false;
    for (const message of this.#tracked.values()) message.live = false;
    if (this.#closed) return;
    this.#outage.lost(this.#tracked.size);
  };

  readonly #onError = (err: Error): void => {
    if (this.#closed) return;
    this.#outage.failed(fromMqttError(err, `connection for ${this.#options.subscription}`));
  };
}
