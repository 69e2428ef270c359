/**
 * MQTT 5 transport for Kit endpoints, on the user's own mqtt.js client (`mqtt`, a peer
 * dependency): a {@link subscriber} on Kit's message-subscriber runtime (QoS 1 on a persistent
 * session, shared subscriptions for a consumer group, the PUBACK sent only after the endpoint,
 * retries, a dead-letter topic) and a {@link publisher} that resolves on the broker's PUBACK, or
 * with the reply to a request (MQTT 5 response topic and correlation data).
 *
 * @packageDocumentation
 */
export { mqttReasonCodes } from "./internal/errors.ts";
export { defaultReplyPrefix } from "./internal/reply-topic.ts";
export { publisher, type MqttPublisherOptions } from "./publisher.ts";
export { subscriber, type MqttSubscriberOptions } from "./subscriber.ts";
