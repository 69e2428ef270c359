/**
 * The message attribute that carries the queue URL a request wants its reply on. The
 * subscriber sends the reply there; {@link replyQueue} sets it on requests.
 */
export const replyToHeader = "kit-reply-to";

/**
 * The message attribute that pairs a reply with its request: the requester sets a fresh id,
 * and the subscriber copies it onto the reply.
 */
export const correlationHeader = "kit-correlation-id";
