// stringsvc4's NATS transport: the service answers on stringsvc.uppercase and stringsvc.count in
// the queue group stringsvc (Go kit's nc.QueueSubscribe), and the HTTP front-end calls it
// through NATS publishers (Go kit's natstransport.NewPublisher).
import type { Endpoint } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { decodeJSONMessage, encodeJSONMessage, logErrorHandler, type DecodeMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-nats";
import type { NatsConnection } from "@nats-io/nats-core";
import { makeCountEndpoint, makeUppercaseEndpoint, type CountResponse, type UppercaseResponse } from "./endpoints.ts";
import type { StringEndpoints } from "./http.ts";
import type { StringService } from "./service.ts";
import { stringRequest } from "./wire.ts";

/** The subjects and queue group; Go kit's are `stringsvc.uppercase`, `stringsvc.count`, `stringsvc`. */
export interface NatsNames {
  /** The uppercase subject. */
  readonly uppercase: string;
  /** The count subject. */
  readonly count: string;
  /** The queue group every instance joins, so each request reaches one of them. */
  readonly queue: string;
}

/** Go kit's stringsvc4 names. */
export const goKitNames: NatsNames = { uppercase: "stringsvc.uppercase", count: "stringsvc.count", queue: "stringsvc" };

/** Reads `{"s": …}` from a message body, as Go kit's `decodeUppercaseRequest` on a `*nats.Msg`. */
const decodeStringMessage: DecodeMessage<{ s: string }> = (_ctx, message) => stringRequest(Buffer.from(message.body));

/**
 * Serves the service on NATS, Go kit's two `natstransport.NewSubscriber` on
 * `nc.QueueSubscribe(subject, "stringsvc", …)`: a request `{"s":"hello"}` is answered
 * `{"v":"HELLO"}`. Returns what stops both subscriptions (finishing what is in flight).
 *
 * @example
 * ```ts
 * const served = serveNats(nc, stringService(), logger);
 * await served.close();
 * ```
 */
export function serveNats(nc: NatsConnection, svc: StringService, logger: Logger, names: NatsNames = goKitNames): { close(): Promise<void> } {
  const options = { queue: names.queue, errorHandler: logErrorHandler(logger) };
  const subscriptions = [
    subscriber(nc, names.uppercase, makeUppercaseEndpoint(svc), decodeStringMessage, encodeJSONMessage, options),
    subscriber(nc, names.count, makeCountEndpoint(svc), decodeStringMessage, encodeJSONMessage, options),
  ];
  return {
    async close() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

/**
 * The endpoints of a service served on NATS, Go kit's `makeUppercaseHTTPEndpoint` and
 * `makeCountHTTPEndpoint`: each call is a NATS request to the subject.
 *
 * @example
 * ```ts
 * http.createServer(httpHandler(natsEndpoints(nc), logger)).listen(8080);
 * ```
 */
export function natsEndpoints(nc: NatsConnection, names: NatsNames = goKitNames): StringEndpoints {
  const uppercase: Endpoint<{ s: string }, UppercaseResponse> = publisher(nc, names.uppercase, encodeJSONMessage, decodeJSONMessage<UppercaseResponse>());
  const count: Endpoint<{ s: string }, CountResponse> = publisher(nc, names.count, encodeJSONMessage, decodeJSONMessage<CountResponse>());
  return { uppercase, count };
}
