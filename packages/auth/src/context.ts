import { type Context, contextKey, type ContextKey, withValue } from "@kit/endpoint";

/**
 * The context key for the raw `Authorization` header value, such as `Basic dXNlcjpwYXNz` or
 * `Bearer eyJ…`. Servers read it after {@link withAuthorization} copied it from the request;
 * clients write it ({@link basicAuthClient}, `jwtSigner`) for {@link setAuthorization} to send.
 *
 * @example
 * ```ts
 * const ctx = withValue(background(), authorizationKey, "Bearer abc");
 * ctx.value(authorizationKey); // "Bearer abc"
 * ```
 */
export const authorizationKey: ContextKey<string> = contextKey<string>("@kit/auth.authorization");

/**
 * Something headers can be read from by name, such as a fetch `Headers`.
 */
export interface HeaderGetter {
  /** The header's value, or `null`/`undefined` when there is none. */
  get(name: string): string | null | undefined;
}

/**
 * Where {@link withAuthorization} reads the header: a {@link HeaderGetter} (fetch `Headers`),
 * an object whose `headers` is one (a fetch `Request`), or an object whose `headers` is a
 * Node.js header record with lower-case names (`http.IncomingMessage`, so the function is a
 * transport-http `ServerBefore` as it is).
 */
export type HeaderSource =
  | HeaderGetter
  | {
      /** Headers with a `get`, such as a fetch `Request`'s. */
      readonly headers: HeaderGetter;
    }
  | {
      /** A Node header record, such as an `IncomingMessage`'s. */
      readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
    };

/**
 * Something headers can be written to by name, such as a fetch `Headers`.
 */
export interface HeaderSetter {
  /** Sets the header, replacing any value it had. */
  set(name: string, value: string): void;
}

/**
 * Where {@link setAuthorization} writes the header: a {@link HeaderSetter} (fetch `Headers`)
 * or an object whose `headers` is one (transport-http's `OutgoingRequest`, so the function is
 * a transport-http `ClientBefore` as it is).
 */
export type HeaderTarget =
  | HeaderSetter
  | {
      /** Headers with a `set`, such as transport-http's outgoing request's. */
      readonly headers: HeaderSetter;
    };

/**
 * Server hook: copies the request's `Authorization` header into the context under
 * {@link authorizationKey}, for {@link basicAuth} or `jwtParser` to check. The context is
 * returned unchanged when there is no such header. Fits transport-http's `before` as it is.
 *
 * @example
 * ```ts
 * const handler = server(endpoint, decode, encode, { before: [withAuthorization] });
 * // or with any header source:
 * const ctx = withAuthorization(background(), new Headers({ authorization: "Bearer abc" }));
 * ```
 */
export function withAuthorization(ctx: Context, carrier: HeaderSource): Context {
  const value = readHeader(carrier, "authorization");
  return value === undefined ? ctx : withValue(ctx, authorizationKey, value);
}

/**
 * Client hook: writes the context's {@link authorizationKey} value, if any, as the
 * `Authorization` header of the outgoing request, and returns the context. Fits
 * transport-http's client `before` as it is.
 *
 * @example
 * ```ts
 * const sum = client("POST", url, encode, decode, { before: [setAuthorization] });
 * await basicAuthClient<SumReq, SumRes>("ann", "s3cret")(sum)(background(), { a: 1, b: 2 });
 * ```
 */
export function setAuthorization(ctx: Context, carrier: HeaderTarget): Context {
  const value = ctx.value(authorizationKey);
  if (value !== undefined) {
    const target = "set" in carrier ? carrier : carrier.headers;
    target.set("authorization", value);
  }
  return ctx;
}

function readHeader(carrier: HeaderSource, name: string): string | undefined {
  if ("get" in carrier) return carrier.get(name) ?? undefined;
  const headers = carrier.headers;
  if (typeof headers.get === "function") return (headers as HeaderGetter).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  // Several values cannot be one set of credentials; joined, they fail as malformed.
  return typeof value === "string" || value === undefined ? value : value.join(", ");
}
