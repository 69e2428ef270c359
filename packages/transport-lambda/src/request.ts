import type { InvocationContext } from "./invocation.ts";

/**
 * Which kind of event a request came in:
 *
 * - `"rest"`: API Gateway REST API (and HTTP API with payload format 1.0): the proxy event with
 *   `httpMethod`, `multiValueHeaders` and `multiValueQueryStringParameters`;
 * - `"http"`: API Gateway HTTP API with payload format 2.0, and Lambda function URLs (the same
 *   shape): `rawPath`, `rawQueryString`, a `cookies` array;
 * - `"alb"`: an Application Load Balancer target event (`requestContext.elb`), with or without
 *   multi-value headers.
 */
export type EventKind = "rest" | "http" | "alb";

/**
 * An HTTP request as the Lambda event carried it, the same whatever the event's shape: what a
 * {@link DecodeRequest} and a {@link ServerBefore} hook read. Header names are lower case;
 * repeated headers are joined with `, ` (as fetch's `Headers` does), and the request's cookies
 * are in {@link LambdaRequest.cookies}.
 */
export interface LambdaRequest {
  /** The event's shape. */
  readonly kind: EventKind;
  /** The method, upper case: `GET`, `POST`, … */
  readonly method: string;
  /** The path, as the client sent it (without the query). */
  readonly path: string;
  /** The headers. */
  readonly headers: Headers;
  /** The query parameters, decoded, repeated ones kept. */
  readonly query: URLSearchParams;
  /** The cookies the client sent, each `name=value`. */
  readonly cookies: readonly string[];
  /** The path parameters API Gateway matched (`{id}` in the route); empty for ALB. */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** The body, base64-decoded when the event says it is base64 (`isBase64Encoded`); empty when there is none. */
  readonly body: Uint8Array;
  /** The event as Lambda delivered it, for fields this shape leaves out (`requestContext`, authorizer claims…). */
  readonly event: Readonly<Record<string, unknown>>;
  /** The Lambda context object, when the runtime passed one. */
  readonly context: InvocationContext | undefined;
}
