/**
 * Kafka transport for Kit endpoints on kafkajs: a consumer-group {@link subscriber} that keeps
 * order per partition, commits only past records that finished, retries in place and sends
 * poison records to a dead-letter topic; a {@link publisher} endpoint that produces with
 * `acks: -1`; a {@link requester} for request/reply over a reply topic; and {@link createTopics},
 * which creates topics and waits for their leaders, safely when several run at once.
 *
 * @packageDocumentation
 */
export { createTopics, type CreateTopicsOptions } from "./create-topics.ts";
export { correlationIdHeader, replyTopicHeader } from "./headers.ts";
export { atLeastOnceProducer, type AtLeastOnceProducerConfig } from "./producer.ts";
export { publisher, type KafkaPublisherOptions } from "./publisher.ts";
export type { PublisherOutcome } from "@kit/transport";
export type { KafkaRecord } from "./record.ts";
export { requester, type KafkaRequester, type KafkaRequesterOptions } from "./requester.ts";
export { subscriber, type KafkaSubscriber, type KafkaSubscriberOptions } from "./subscriber.ts";
