import type { Endpoint } from "@kit/endpoint";
import type { Endpointer } from "./endpointer.ts";

/**
 * Picks one endpoint per call from a set, Go kit's `lb.Balancer`. Made by {@link roundRobin},
 * {@link random} and {@link powerOfTwoChoices}; {@link retry} asks it again for every attempt.
 */
export interface Balancer<Req, Res> {
  /**
   * The endpoint to call now.
   *
   * @throws `KitError` `unavailable` when there is no endpoint, or the endpointer's
   * error once its set has been invalidated.
   */
  endpoint(): Endpoint<Req, Res>;
}

/** Where a balancer takes its endpoints from: an {@link Endpointer}, or anything with `endpoints()`. */
export type EndpointSource<Req, Res> = Pick<Endpointer<Req, Res>, "endpoints">;
