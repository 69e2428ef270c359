import type { SrvRecord } from "node:dns";
import { Resolver } from "node:dns/promises";
import { type Instancer, instanceCache } from "@kit/sd";

/** What {@link dnsSrvInstancer} needs of a resolver: `node:dns/promises`' `Resolver` has it. */
export interface SrvResolver {
  /** Looks up the SRV records of `hostname`. */
  resolveSrv(hostname: string): Promise<SrvRecord[]>;
}

/** Options for {@link dnsSrvInstancer}. */
export interface DnsSrvInstancerOptions {
  /** Milliseconds from the end of one lookup to the start of the next. Default `30000`. */
  readonly interval?: number;
  /**
   * Who does the lookups. Default: a new `Resolver` from `node:dns/promises`, using the
   * system's DNS servers. Pass your own to pick servers (`setServers`), timeouts and tries.
   */
  readonly resolver?: SrvResolver;
}

/**
 * Looks up the SRV records of `name` at once and then every `interval` ms, and reports their
 * targets as the instances of a service, `target:port` each, Go kit's `dnssrv.NewInstancer`.
 * A name with no SRV records (`ENODATA`) has no instances; any other failure (`ENOTFOUND`,
 * `ETIMEOUT`, `ESERVFAIL`…) is an error event, and the lookups go on. Lookups never overlap.
 *
 * @param name - the SRV name, such as `_http._tcp.users.service.consul`
 * @param options - see {@link DnsSrvInstancerOptions}
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ timeout: 2_000, tries: 2 });
 * resolver.setServers(["10.0.0.2:8600"]);
 * const instancer = dnsSrvInstancer("_http._tcp.users.service.consul", { interval: 5_000, resolver });
 * const users = retry(3, 2_000, roundRobin(endpointer(instancer, factory)));
 * ```
 */
export function dnsSrvInstancer(name: string, options: DnsSrvInstancerOptions = {}): Instancer {
  const { interval = 30_000 } = options;
  if (name === "") throw new RangeError("dnsSrvInstancer needs a name");
  if (!(interval > 0 && Number.isFinite(interval))) {
    throw new RangeError(`interval must be a number of milliseconds > 0, got ${String(interval)}`);
  }
  const own = options.resolver === undefined ? new Resolver() : undefined;
  const resolver: SrvResolver = options.resolver ?? own ?? new Resolver();

  let stopped = false;
  const running = (): boolean => !stopped; // a function: `stopped` changes across awaits
  let timer: NodeJS.Timeout | undefined;
  const cache = instanceCache(() => {
    stopped = true;
    clearTimeout(timer);
    own?.cancel();
  });

  const lookup = async (): Promise<void> => {
    try {
      const records = await resolver.resolveSrv(name);
      if (stopped) return;
      cache.update({ instances: records.map((record) => `${record.name}:${record.port}`) });
    } catch (error) {
      if (stopped) return;
      if (isNoData(error)) cache.update({ instances: [] });
      else cache.update({ error: error instanceof Error ? error : new Error(`SRV lookup of ${name} failed: ${String(error)}`) });
    }
    if (running()) timer = setTimeout(() => void lookup(), interval);
  };

  void lookup();
  return cache;
}

function isNoData(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENODATA";
}
