/**
 * The response being written: what an {@link EncodeResponse}, a {@link ServerAfter} hook and an
 * {@link ErrorEncoder} set. The server turns it into the result the event's integration
 * expects (see the README, "Event shapes"):
 *
 * - a `string` body is sent as it is (`isBase64Encoded: false`);
 * - a `Uint8Array` body is sent base64-encoded with `isBase64Encoded: true` (on a REST API,
 *   its content type must be one of the API's binary media types);
 * - each `set-cookie` header is a cookie: the `cookies` array of an HTTP API or function URL
 *   result, a multi-value header on a REST API or ALB.
 */
export interface LambdaResponse {
  /** The status; 200 unless something sets another. */
  statusCode: number;
  /** The headers to send. Append `set-cookie` once per cookie. */
  readonly headers: Headers;
  /** The body; `undefined` for none. */
  body: string | Uint8Array | undefined;
}

/**
 * A new, empty response: status 200, no headers, no body.
 *
 * @internal
 */
export function newResponse(): LambdaResponse {
  return { statusCode: 200, headers: new Headers(), body: undefined };
}
