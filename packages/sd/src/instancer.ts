/**
 * What an {@link Instancer} tells its subscribers: either the complete current set of
 * instance addresses (`instances`) or a failure of the registry (`error`), Go kit's `sd.Event`.
 */
export type InstancerEvent =
  | {
      /** Every instance of the service now; empty when there is none. */
      readonly instances: readonly string[];
      /** Absent: this is not an error event. */
      readonly error?: undefined;
    }
  | {
      /** Why the registry can't tell the instances now. */
      readonly error: Error;
      /** Absent: an error event carries no instances. */
      readonly instances?: undefined;
    };

/**
 * A source of instance addresses (`host:port`, URLs…) for one service, Go kit's
 * `sd.Instancer`. Registries push their state: every event carries the complete set, or an
 * error when the registry can't be read. Registry packages implement it, usually on top of
 * {@link instanceCache}; {@link endpointer} consumes it.
 *
 * @example
 * ```ts
 * const unsubscribe = instancer.subscribe((event) => {
 *   if (event.error) console.warn("registry:", event.error.message);
 *   else console.log("instances:", event.instances);
 * });
 * ```
 */
export interface Instancer {
  /**
   * Calls `listener` with every change from now on, and at once with the current state when
   * there is one. Returns the function that unsubscribes.
   */
  subscribe(listener: (event: InstancerEvent) => void): () => void;
  /** Stops watching the registry; no event follows. */
  stop(): void;
}
