import { Code, KitError } from "@kit/endpoint";
import type { DecodeMessage } from "@kit/transport";
import type { NatsConnection } from "@nats-io/nats-core";
import { inboxPrefix } from "./replies.ts";

/** Whether a request's reply subject may be answered (the subscriber's `replyNamespace`). */
export type ReplyAllowed = (subject: string) => boolean;

/**
 * The reply subjects a subscriber on `nc` answers by default: those under the connection's inbox
 * prefix (`_INBOX.`, or its `inboxPrefix` option followed by a dot), where nats.js's `request`,
 * Kit's requesters and the `nats` CLI wait for their replies.
 */
export function defaultReplyNamespace(nc: NatsConnection): readonly string[] {
  return [`${inboxPrefix(nc) ?? "_INBOX"}.`];
}

/** Whether a reply subject starts with one of the namespace's prefixes; a namespace that is not a list of strings is a `TypeError`. */
export function replyAllowedBy(namespace: readonly string[]): ReplyAllowed {
  if (!Array.isArray(namespace) || !namespace.every((prefix) => typeof prefix === "string")) {
    throw new TypeError(`options.replyNamespace must be an array of subject prefixes, got ${JSON.stringify(namespace)}`);
  }
  return (subject) => namespace.some((prefix) => subject.startsWith(prefix));
}

/** A request whose reply subject the driver refused fails before it is decoded: dead-lettered as `permission_denied`. */
export function refuseForeignReplies<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as { readonly refusedReply?: string }).refusedReply;
    if (refused !== undefined) {
      throw new KitError(Code.PermissionDenied, `reply subject ${JSON.stringify(refused)} is outside the subscriber's reply namespace; not answered`);
    }
    return decode(ctx, message);
  };
}
