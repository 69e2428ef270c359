import type { Logger } from "./logger.ts";
import { type Keyvals, type Route, Sink } from "./internal/sink.ts";

/** The logger that writes nothing. */
export class Nop extends Sink {
  override log(): void {
    // Nothing to write.
  }

  override writeSegments(): void {
    // Nothing to write.
  }

  override discardsAll(): boolean {
    return true;
  }

  override specialize(prefix: Keyvals, suffix: Keyvals): Route {
    return { target: null, prefix, suffix };
  }
}

const instance = new Nop();

/**
 * The logger that does nothing: Go kit's `log.NewNopLogger`. `with`, `withPrefix`,
 * `withSuffix` and the level helpers return it unchanged, and its valuers are never called,
 * so logging to it costs one call.
 *
 * @example
 * ```ts
 * const service = new OrderService({ logger: nop() }); // quiet in tests
 * ```
 */
export function nop(): Logger {
  return instance;
}
