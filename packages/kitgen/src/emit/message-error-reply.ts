import type { Service } from "../model.ts";
import { importFrom } from "./header.ts";

/**
 * The error reply of a message transport's subscribers for a service with a `@jsonErrorField`:
 * the HTTP transport's error body (the message under that field too, then Kit's `code` and
 * `message`) beside the `kit-error-*` headers, so a client that reads only the body, as Go kit's
 * do, gets the error too. Empty for a service without one (the subscribers' default: the headers
 * and an empty body).
 *
 * @param service - the service
 */
export function errorReplyHelper(service: Service): string {
  const field = service.jsonErrorField;
  if (field === undefined) return "";
  return `
/** The reply to a request that failed: its JSON error body, the message under \`${field}\` too, and the \`kit-error-*\` headers. */
function encodeErrorReply(ctx: Context, err: KitError, reply: OutgoingMessage): void {
  encodeJSONMessage(ctx, { ${field}: err.message, code: err.code, message: err.message }, reply);
  writeError(reply.headers, err);
}
`;
}

/** The import of `@kit/endpoint` {@link errorReplyHelper} needs. */
export function errorReplyImports(service: Service): string[] {
  return service.jsonErrorField === undefined ? [] : [importFrom("type { Context, KitError }", "@kit/endpoint")];
}

/** What {@link errorReplyHelper} adds to the values imported from `@kit/transport`. */
export function errorReplyValues(service: Service): string {
  return service.jsonErrorField === undefined ? "" : ", writeError";
}

/** What {@link errorReplyHelper} adds to the types imported from `@kit/transport`. */
export function errorReplyTypes(service: Service): string {
  return service.jsonErrorField === undefined ? "" : ", type OutgoingMessage";
}

/**
 * A method's subscriber options with the error reply as the default `errorEncoder`, given the
 * expression of the options asked for (possibly `undefined`); `given` itself without a `@jsonErrorField`.
 *
 * @param service - the service
 * @param given - the options' expression
 */
export function withErrorReply(service: Service, given: string): string {
  return service.jsonErrorField === undefined ? given : `({ errorEncoder: encodeErrorReply, ...${given} })`;
}
