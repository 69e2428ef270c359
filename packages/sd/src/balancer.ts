import type { Endpoint } from "@kit/endpoint";
import type { Endpointer } from "./endpointer.ts";

/**
 * Picks one endpoint per call from a set, Go kit's `lb.Balancer`. Made by {@link roundRobin},
 * {@link random} and {@link powerOfTwoChoices}; {@link retry} asks it again for every attempt,
 * passing the endpoints that call has already tried.
 */
export interface Balancer<Req, Res> {
  /**
   * The endpoint to call now.
   *
   * @param avoid - endpoints not to return while another one is available: {@link retry}
   * passes those its call has tried, so a retry never goes back to the instance that just
   * failed it while there is another. A balancer of your own may ignore it.
   * @throws `KitError` `unavailable` when there is no endpoint, or the endpointer's
   * error once its set has been invalidated.
   */
  endpoint(avoid?: ReadonlySet<Endpoint<Req, Res>>): Endpoint<Req, Res>;
}

/** Where a balancer takes its endpoints from: an {@link Endpointer}, or anything with `endpoints()`. */
export type EndpointSource<Req, Res> = Pick<Endpointer<Req, Res>, "endpoints">;
