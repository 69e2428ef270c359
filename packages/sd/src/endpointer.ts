import { Code, type Endpoint, KitError } from "@kit/endpoint";
import type { Factory, FactoryResult } from "./factory.ts";
import type { Instancer, InstancerEvent } from "./instancer.ts";

/**
 * The endpoints for the current instances of a service, Go kit's `sd.Endpointer`. Balancers
 * pick from it.
 */
export interface Endpointer<Req, Res> {
  /**
   * The current endpoints, in the order of their sorted instance addresses; the same
   * endpoint object for as long as its instance stays. Empty before the first instances
   * arrive and after {@link Endpointer.close}.
   *
   * @throws `KitError` `unavailable`, with the registry's error as `cause`, once the
   * set has been invalidated after an error (see {@link EndpointerOptions.invalidateOnError}).
   */
  endpoints(): readonly Endpoint<Req, Res>[];
  /**
   * Unsubscribes from the instancer (it does not stop it) and closes every endpoint;
   * resolves when all their `close` functions have settled.
   */
  close(): Promise<void>;
}

/** Options for {@link endpointer}. */
export interface EndpointerOptions {
  /**
   * How long, in milliseconds, to keep serving the last good endpoints after the registry
   * reports an error; then they are closed and `endpoints()` throws until the registry
   * recovers. `0` invalidates at once. Unset (the default, as in Go kit): keep them for as
   * long as the errors last.
   */
  readonly invalidateOnError?: number;
  /**
   * Told about what can't be thrown to a caller: a registry error, a factory that threw
   * (its instance is skipped until the next update) or a `close` that failed. Default: ignore.
   */
  readonly onError?: (error: unknown, instance?: string) => void;
}

/**
 * Follows an {@link Instancer} and keeps one endpoint per instance, made by `factory`, Go
 * kit's `sd.NewEndpointer`. An instance that stays keeps its endpoint; one that disappears
 * has its endpoint closed, exactly once.
 *
 * @param instancer - where the instances come from
 * @param factory - makes the endpoint for an instance
 * @param options - error handling
 *
 * @example
 * ```ts
 * const endpoints = endpointer(instancer, factory, { invalidateOnError: 30_000 });
 * const sum = retry(3, 2_000, roundRobin(endpoints));
 * await sum(ctx, { a: 1, b: 2 });
 * ```
 */
export function endpointer<Req, Res>(
  instancer: Instancer,
  factory: Factory<Req, Res>,
  options: EndpointerOptions = {},
): Endpointer<Req, Res> {
  const { invalidateOnError } = options;
  if (invalidateOnError !== undefined && !(invalidateOnError >= 0)) {
    throw new RangeError(`invalidateOnError must be a number of milliseconds >= 0, got ${String(invalidateOnError)}`);
  }
  const report = reporter(options.onError);
  const set = new EndpointSet(factory, report);
  let failure: { error: Error; deadline: number; invalidated: boolean } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const invalidate = (): void => {
    if (failure === undefined || failure.invalidated) return;
    failure.invalidated = true;
    clearTimer();
    set.update([]);
  };

  const clearTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const onEvent = (event: InstancerEvent): void => {
    if (closed) return;
    if (event.error === undefined) {
      failure = undefined;
      clearTimer();
      set.update(event.instances);
      return;
    }
    report(event.error);
    // Keep the first error and its deadline while the registry stays broken, as Go kit does.
    if (invalidateOnError === undefined || failure !== undefined) return;
    failure = { error: event.error, deadline: Date.now() + invalidateOnError, invalidated: false };
    if (invalidateOnError === 0) invalidate();
    else {
      timer = setTimeout(invalidate, invalidateOnError);
      timer.unref();
    }
  };

  const unsubscribe = instancer.subscribe(onEvent);

  return {
    endpoints() {
      if (failure !== undefined && !failure.invalidated && Date.now() >= failure.deadline) invalidate();
      if (failure?.invalidated === true) {
        throw new KitError(Code.Unavailable, `service discovery failed: ${failure.error.message}`, {
          cause: failure.error,
        });
      }
      return set.current;
    },
    async close() {
      if (!closed) {
        closed = true;
        unsubscribe();
        clearTimer();
        failure = undefined;
        set.update([]);
      }
      await set.closed();
    },
  };
}

/** Calls `onError`, if given, and swallows what it throws: an observer must not break discovery. */
function reporter(onError: EndpointerOptions["onError"]): (error: unknown, instance?: string) => void {
  return (error, instance) => {
    if (onError === undefined) return;
    try {
      if (instance === undefined) onError(error);
      else onError(error, instance);
    } catch {
      // An observer must not break discovery.
    }
  };
}

/** One endpoint per instance, made by the factory, kept while the instance stays. */
class EndpointSet<Req, Res> {
  /** The endpoints, in the order of their sorted instance addresses. */
  current: readonly Endpoint<Req, Res>[] = [];
  private cache = new Map<string, FactoryResult<Req, Res>>();
  private readonly closing = new Set<Promise<void>>();
  private readonly factory: Factory<Req, Res>;
  private readonly report: (error: unknown, instance?: string) => void;

  constructor(factory: Factory<Req, Res>, report: (error: unknown, instance?: string) => void) {
    this.factory = factory;
    this.report = report;
  }

  /** Keeps the endpoints of the instances that stay, makes new ones, closes the others. */
  update(instances: readonly string[]): void {
    const next = new Map<string, FactoryResult<Req, Res>>();
    for (const instance of [...new Set(instances)].sort()) {
      const kept = this.cache.get(instance);
      if (kept !== undefined) {
        next.set(instance, kept);
        continue;
      }
      try {
        next.set(instance, this.factory(instance));
      } catch (error) {
        this.report(error, instance);
      }
    }
    for (const [instance, result] of this.cache) if (!next.has(instance)) this.release(instance, result);
    this.cache = next;
    this.current = Object.freeze([...next.values()].map((result) => result.endpoint));
  }

  /** Resolves when every `close` started so far has settled. */
  async closed(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  private release(instance: string, result: FactoryResult<Req, Res>): void {
    if (result.close === undefined) return;
    const done = (async () => {
      try {
        await result.close?.();
      } catch (error) {
        this.report(error, instance);
      }
    })();
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }
}
