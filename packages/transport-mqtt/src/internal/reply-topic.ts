import { Code, KitError } from "@kit/endpoint";
import type { Message } from "@kit/transport";
import { ReplyCorrelator } from "@kit/transport/driver";
import type { IPublishPacket, MqttClient } from "mqtt";
import { fromMqttError, fromReasonCode } from "./errors.ts";
import { UserPropertyHeaders } from "./properties.ts";

/**
 * Where requesters wait for replies unless told otherwise (`kit/replies/<clientId>`), and what a
 * subscriber's reply namespace accepts by default.
 */
export const defaultReplyPrefix = "kit/replies/";

/** The replies of one client on one response topic: the topic's subscription and the calls waiting. */
export class ReplyTopic {
  /** The response topic. */
  readonly topic: string;
  /** The calls waiting, by correlation data. */
  readonly calls: ReplyCorrelator<Message> = new ReplyCorrelator<Message>();
  readonly #client: MqttClient;
  #subscribed: Promise<void> | undefined;

  constructor(client: MqttClient, topic: string) {
    this.#client = client;
    this.topic = topic;
    client.on("message", (to: string, payload: Buffer, packet: IPublishPacket) => {
      if (to !== topic) return;
      const id = packet.properties?.correlationData?.toString("utf8");
      if (id !== undefined) this.calls.deliver(id, { body: payload, headers: new UserPropertyHeaders(packet.properties?.userProperties), attempt: 1 });
    });
  }

  /** Resolves once the response topic is subscribed (once per client; tried again after a failure). */
  subscribed(): Promise<void> {
    this.#subscribed ??= this.#subscribe().catch((err: unknown) => {
      this.#subscribed = undefined;
      throw err;
    });
    return this.#subscribed;
  }

  async #subscribe(): Promise<void> {
    if (!this.#client.connected) throw new KitError(Code.Unavailable, `MQTT subscribe to ${this.topic}: not connected to the broker`);
    let granted: { qos: number }[];
    try {
      granted = await this.#client.subscribeAsync(this.topic, { qos: 1 });
    } catch (thrown) {
      throw fromMqttError(thrown, `subscribe to ${this.topic}`);
    }
    const reason = granted[0]?.qos ?? 0x80;
    if (reason >= 0x80) throw fromReasonCode(reason, `subscribe to ${this.topic}`);
  }
}

const replyTopics = new WeakMap<MqttClient, Map<string, ReplyTopic>>();

/**
 * The {@link ReplyTopic} of `client` on `topic`, made at its first use.
 *
 * @param client - the requester's client
 * @param topic - the response topic; default `kit/replies/<clientId>`
 */
export function replyTopicOf(client: MqttClient, topic: string | undefined): ReplyTopic {
  const name = topic ?? `${defaultReplyPrefix}${client.options.clientId ?? ""}`;
  let byTopic = replyTopics.get(client);
  if (byTopic === undefined) {
    byTopic = new Map<string, ReplyTopic>();
    replyTopics.set(client, byTopic);
  }
  let replies = byTopic.get(name);
  if (replies === undefined) {
    replies = new ReplyTopic(client, name);
    byTopic.set(name, replies);
  }
  return replies;
}
