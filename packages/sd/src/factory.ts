import type { Endpoint } from "@kit/endpoint";

/**
 * What a {@link Factory} makes for one instance: its endpoint, and what releases the
 * resources behind it (a connection, a pool) when the instance goes away.
 */
export interface FactoryResult<Req, Res> {
  /** The endpoint that calls this instance. */
  readonly endpoint: Endpoint<Req, Res>;
  /** Called once, when the instance leaves the set or the endpointer closes. */
  readonly close?: () => void | Promise<void>;
}

/**
 * Turns an instance address into an endpoint that calls it, Go kit's `sd.Factory`. It may
 * throw: the {@link endpointer} then skips that instance and reports the error.
 *
 * @example
 * ```ts
 * const factory: Factory<SumRequest, SumResponse> = (instance) => {
 *   const agent = new Agent();
 *   return { endpoint: client(`http://${instance}/sum`, encode, decode, { agent }), close: () => agent.close() };
 * };
 * ```
 */
export type Factory<Req, Res> = (instance: string) => FactoryResult<Req, Res>;
