import type { InvocationContext } from "../invocation.ts";
import type { LambdaRequest } from "../request.ts";
import { eventBody, isObject, malformed, multiMap, optionalObject, optionalString, requiredString, stringArray, stringMap, type Fields } from "./fields.ts";

/**
 * Reads an API Gateway (REST or HTTP API), ALB or function URL event into a
 * {@link LambdaRequest}, whichever shape it has. A value that is none of them, or one with a
 * field of the wrong type, is refused with an `invalid_argument` `KitError` naming the field.
 */
export function parseEvent(event: unknown, context: InvocationContext | undefined): LambdaRequest {
  if (!isObject(event)) throw malformed("event", "an object (an API Gateway, ALB or function URL event)");
  const requestContext = optionalObject(event, "requestContext");
  if (requestContext === undefined) throw malformed("requestContext", "an object (an API Gateway, ALB or function URL event)");
  if (event.version === "2.0") return httpApi(event, requestContext, context);
  const kind = requestContext.elb === undefined ? "rest" : "alb";
  const headers = new Headers();
  const multiHeaders = multiMap(event, "multiValueHeaders");
  if (multiHeaders === undefined) for (const [name, value] of Object.entries(stringMap(event, "headers"))) append(headers, "headers", name, value);
  else for (const [name, values] of Object.entries(multiHeaders)) for (const value of values) append(headers, "multiValueHeaders", name, value);
  const query = new URLSearchParams();
  const multiQuery = multiMap(event, "multiValueQueryStringParameters");
  const pairs = multiQuery === undefined ? Object.entries(stringMap(event, "queryStringParameters")).map(([k, v]) => [k, [v]] as const) : Object.entries(multiQuery);
  // ALB passes the query as the client sent it, still percent-encoded; API Gateway decodes it.
  for (const [name, values] of pairs) for (const value of values) query.append(kind === "alb" ? unescape(name) : name, kind === "alb" ? unescape(value) : value);
  return {
    kind,
    method: requiredString(event, "httpMethod").toUpperCase(),
    path: requiredString(event, "path"),
    headers,
    query,
    cookies: cookiesOf(headers.get("cookie")),
    pathParameters: kind === "alb" ? {} : stringMap(event, "pathParameters"),
    body: eventBody(event),
    event,
    context,
  };
}

/** An HTTP API (payload 2.0) or function URL event. */
function httpApi(event: Fields, requestContext: Fields, context: InvocationContext | undefined): LambdaRequest {
  const http = optionalObject(requestContext, "http", "requestContext.http");
  if (http === undefined) throw malformed("requestContext.http", "an object");
  const headers = new Headers();
  for (const [name, value] of Object.entries(stringMap(event, "headers"))) append(headers, "headers", name, value);
  const cookies = stringArray(event, "cookies");
  if (cookies.length > 0) append(headers, "cookies", "cookie", cookies.join("; "));
  return {
    kind: "http",
    method: requiredString(http, "method", "requestContext.http.method").toUpperCase(),
    path: optionalString(event, "rawPath") ?? requiredString(http, "path", "requestContext.http.path"),
    headers,
    query: new URLSearchParams(optionalString(event, "rawQueryString") ?? ""),
    cookies,
    pathParameters: stringMap(event, "pathParameters"),
    body: eventBody(event),
    event,
    context,
  };
}

/** Adds a header, refusing a name or value HTTP does not allow (a space in a name, a line break in a value). */
function append(headers: Headers, field: string, name: string, value: string): void {
  try {
    headers.append(name, value);
  } catch {
    throw malformed(field === "cookies" ? field : `${field}.${name}`, "a valid HTTP header name and value");
  }
}

/** The cookies of a `cookie` header, each `name=value`. */
function cookiesOf(header: string | null): readonly string[] {
  if (header === null) return [];
  return header.split(";").map((cookie) => cookie.trim()).filter((cookie) => cookie !== "");
}

/** Percent-decodes `text`, leaving it as it is when it is not valid percent-encoding. */
function unescape(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}
