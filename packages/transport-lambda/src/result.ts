/**
 * What the server returns to Lambda: the result the event's integration expects, in the shape
 * API Gateway (REST and HTTP APIs), ALB and function URLs all read. Which fields are set
 * depends on the event: `multiValueHeaders` for a REST API and for an ALB target group with
 * multi-value headers on, `cookies` for an HTTP API or function URL, `statusDescription` for
 * ALB.
 */
export interface LambdaResult {
  /** The HTTP status. */
  statusCode: number;
  /** ALB only: the status line's text, such as `200 OK`. */
  statusDescription?: string;
  /** Single-value headers (HTTP API, function URL, ALB without multi-value headers). */
  headers?: Record<string, string>;
  /** Multi-value headers (REST API, ALB with multi-value headers on). */
  multiValueHeaders?: Record<string, string[]>;
  /** HTTP API and function URL: the `Set-Cookie` values. */
  cookies?: string[];
  /** The body: text, or base64 when {@link LambdaResult.isBase64Encoded} is true. */
  body: string;
  /** Whether {@link LambdaResult.body} is base64. */
  isBase64Encoded: boolean;
}
