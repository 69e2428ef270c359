/**
 * The field that carries a request's reply stream: the subscriber adds its reply there;
 * {@link replyStream} sets it on requests.
 */
export const replyToHeader = "kit-reply-to";

/**
 * The field that pairs a reply with its request: the requester sets a fresh id, and the
 * subscriber copies it onto the reply.
 */
export const correlationHeader = "kit-correlation-id";

/**
 * The entry field that holds a message's body. Every other field of an entry is a header
 * (its name lower-cased), so `XADD orders * body '{"id":1}'` from any client is a message.
 */
export const bodyField = "body";
