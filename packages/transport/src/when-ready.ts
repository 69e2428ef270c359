import type { Subscriber } from "./subscriber-options.ts";

/**
 * Waits until `subscriber` is ready and resolves with it, for a service that should not announce
 * itself before it receives. When it cannot start, it is closed (every subscriber of a
 * {@link subscriberGroup}, those that started too) and its error is thrown, so nothing is left
 * running behind a failed start.
 *
 * @param subscriber - a subscriber, or a group such as kitgen's `<transport>Subscribers(…)`
 *
 * @example
 * ```ts
 * const subscribers = await whenReady(natsSubscribers(nc, makeEndpoints(service)));
 * logger.log("msg", "serving");
 * // … on the way out:
 * await subscribers.close();
 * ```
 */
export async function whenReady<S extends Subscriber>(subscriber: S): Promise<S> {
  try {
    await subscriber.ready;
  } catch (err) {
    await subscriber.close();
    throw err;
  }
  return subscriber;
}
