/**
 * Amazon SQS transport for Kit endpoints, on the AWS SDK v3 (`@aws-sdk/client-sqs`, a peer
 * dependency; the user's own `SQSClient`): a {@link subscriber} on Kit's message-subscriber
 * runtime (long polling, batched deletes, visibility extension, retries through visibility,
 * a dead-letter queue, FIFO order per group) and a {@link publisher} (batched sends, FIFO ids,
 * request/reply through a {@link SqsReplyQueue}).
 *
 * @packageDocumentation
 */
export { fromAttributes, packedHeadersAttribute, toAttributes } from "./attributes.ts";
export { correlationHeader, replyToHeader } from "./headers.ts";
export { publisher, type SqsPublisherOptions, type SqsPublisherOutcome } from "./publisher.ts";
export { createQueue, queueUrl, type CreateQueueOptions } from "./queue-setup.ts";
export { replyQueue, type SqsReplyQueue, type SqsReplyQueueOptions } from "./reply-queue.ts";
export { subscriber, type SqsSubscriber, type SqsSubscriberOptions } from "./subscriber.ts";
