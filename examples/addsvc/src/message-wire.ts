// addsvc's request/reply wire for the message brokers (NATS, AMQP, MQTT, Redis Streams): the
// JSON bodies of the HTTP transport (wire.ts) in messages, and what every such
// transport's wiring shares (one subscriber per method, a client over one requester per method). A request is `{"a":…,"b":…}` with Go's field rules; a reply
// is `{"v":…}`, or for a business error the HTTP transport's error body with the `kit-error-*`
// headers, so the request was handled either way and is acknowledged, not dead-lettered.
import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { encodeJSONMessage, jsonCodec, writeError, type DecodeMessage, type OutgoingMessage, type Subscriber } from "@kit/transport";
import {
  clientFromEndpoints,
  failed,
  type AddClient,
  type ConcatRequest,
  type ConcatResponse,
  type EndpointSet,
  type SumRequest,
  type SumResponse,
} from "./endpoints.ts";
import { concatRequestFromJSON, errorToJSON, sumRequestFromJSON } from "./wire.ts";

/** The Sum request from a message body: JSON with Go's field rules; anything else is `invalid_argument`. */
export const decodeSumMessage: DecodeMessage<SumRequest> = (_ctx, message) => sumRequestFromJSON(jsonCodec.decode(message.body));

/** The Concat request from a message body. */
export const decodeConcatMessage: DecodeMessage<ConcatRequest> = (_ctx, message) => concatRequestFromJSON(jsonCodec.decode(message.body));

/**
 * The reply to a Sum or Concat request: `{"v": …}`, or for a business error the HTTP
 * transport's error body and the `kit-error-*` headers.
 */
export function encodeReply(ctx: Context, response: { readonly v: unknown; readonly err?: KitError }, reply: OutgoingMessage): void {
  const err = failed(response);
  if (err === undefined) {
    encodeJSONMessage(ctx, { v: response.v }, reply);
    return;
  }
  encodeErrorReply(ctx, err, reply);
}

/**
 * The reply to a request that failed with `err`: the HTTP transport's error body and the
 * `kit-error-*` headers. A subscriber's `errorEncoder` for the transports kitgen writes (AMQP).
 */
export function encodeErrorReply(ctx: Context, err: KitError, reply: OutgoingMessage): void {
  encodeJSONMessage(ctx, errorToJSON(err), reply);
  writeError(reply.headers, err);
}

/**
 * The client's decoders for the replies `{"v": <integer>}` and `{"v": <string>}`; anything else
 * is `internal`, naming `transport` (a business error never gets here: the publisher throws the
 * `kit-error-*` headers first).
 *
 * @param transport - named in the error, such as `"NATS"`
 */
export function replyDecoders(transport: string): { sum: DecodeMessage<SumResponse>; concat: DecodeMessage<ConcatResponse> } {
  const results = resultDecoders(transport);
  return {
    sum: (_ctx, reply) => results.sum(jsonCodec.decode(reply.body)),
    concat: (_ctx, reply) => results.concat(jsonCodec.decode(reply.body)),
  };
}

/**
 * The checks of {@link replyDecoders} on a reply already parsed: `{"v": <integer>}` for Sum,
 * `{"v": <string>}` for Concat, anything else `internal`.
 *
 * @param transport - named in the error, such as `"MQTT"`
 */
function resultDecoders(transport: string): { sum: (result: unknown) => SumResponse; concat: (result: unknown) => ConcatResponse } {
  const badReply = (want: string, got: unknown): KitError => {
    const shown = got === undefined ? "no v" : JSON.stringify(got).slice(0, 100);
    return new KitError(Code.Internal, `invalid reply from addsvc over ${transport}: want {"v": ${want}}, got ${shown}`);
  };
  return {
    sum: (result) => {
      const v = valueOf(result);
      if (typeof v === "number" && Number.isInteger(v)) return { v };
      throw badReply("an integer", v);
    },
    concat: (result) => {
      const v = valueOf(result);
      if (typeof v === "string") return { v };
      throw badReply("a string", v);
    },
  };
}

function valueOf(body: unknown): unknown {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).v : undefined;
}

/** The name of one of addsvc's methods on a message transport: the last part of its subject, topic, queue or stream. */
export type MethodName = "sum" | "concat";

/** One of addsvc's methods as a message transport serves it: its name, endpoint and request decoder. */
export interface WireMethod<Req, Res extends { readonly v: unknown; readonly err?: KitError }> {
  /** `"sum"` or `"concat"`. */
  readonly name: MethodName;
  /** The endpoint to run on each request. */
  readonly endpoint: Endpoint<Req, Res>;
  /** Reads the request from a message ({@link decodeSumMessage}, {@link decodeConcatMessage}). */
  readonly decode: DecodeMessage<Req>;
}

/** One thing (a subscriber) per method of addsvc, Sum's then Concat's: see {@link serveMethods}. */
function perMethod<T>(
  endpoints: EndpointSet,
  serve: <Req, Res extends { readonly v: unknown; readonly err?: KitError }>(method: WireMethod<Req, Res>) => T,
): [T, T] {
  return [
    serve<SumRequest, SumResponse>({ name: "sum", endpoint: endpoints.sumEndpoint, decode: decodeSumMessage }),
    serve<ConcatRequest, ConcatResponse>({ name: "concat", endpoint: endpoints.concatEndpoint, decode: decodeConcatMessage }),
  ];
}

/**
 * An {@link AddClient} over one requester per method: `requester` gets the method's name and
 * its reply decoder (see {@link replyDecoders}) and returns the endpoint that sends the request
 * (`{"a":…,"b":…}`, encode it with `encodeJSONMessage`) and waits for the reply.
 *
 * @param transport - named in the error for a malformed reply, such as `"MQTT"`
 * @param requester - makes the requester of one method
 */
export function clientOver(
  transport: string,
  requester: <Req, Res>(name: MethodName, decode: DecodeMessage<Res>) => Endpoint<Req, Res>,
): AddClient {
  const decode = replyDecoders(transport);
  return clientFromEndpoints(
    requester<SumRequest, SumResponse>("sum", decode.sum),
    requester<ConcatRequest, ConcatResponse>("concat", decode.concat),
  );
}

/**
 * Serves addsvc's methods on a message transport: makes one subscriber per method (`serve` gets
 * each method's name, endpoint and request decoder; replies are encoded with
 * {@link encodeReply}), waits until both are ready, and resolves with their `close()` (which closes
 * both, at most once). When one cannot start, both are closed and its error is thrown.
 *
 * @param endpoints - the endpoint set
 * @param serve - makes the subscriber of one method
 *
 * @example
 * ```ts
 * const close = await serveMethods(endpoints, (m) => subscriber(client, `addsvc/${m.name}`, m.endpoint, m.decode, encodeReply, options));
 * ```
 */
export async function serveMethods(
  endpoints: EndpointSet,
  serve: <Req, Res extends { readonly v: unknown; readonly err?: KitError }>(method: WireMethod<Req, Res>) => Subscriber,
): Promise<() => Promise<void>> {
  const subscribers = perMethod(endpoints, serve);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all(subscribers.map((sub) => sub.close())).then(() => undefined));
  try {
    await Promise.all(subscribers.map((sub) => sub.ready));
  } catch (err) {
    await close();
    throw err;
  }
  return close;
}
