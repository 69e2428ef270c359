/**
 * The pino adapter: a Kit {@link Logger} that writes through a pino logger, with pino's
 * serializers, redaction, transports and speed.
 *
 * @packageDocumentation
 */
import type { Logger as Pino } from "pino";
import type { Logger } from "./logger.ts";
import { bindingValue, FieldBuilder } from "./internal/fields.ts";
import { EMPTY, type Keyvals, type Route, Sink } from "./internal/sink.ts";
import { firstLevel, isLevel, type Level } from "./internal/level-value.ts";
import { valueText } from "./internal/text.ts";
import { fixedLevel } from "./filter.ts";
import { isValuer } from "./valuer.ts";

function keyOf(key: unknown): string {
  return typeof key === "string" ? key : valueText(key);
}

/** How many pairs of the prefix and suffix have this key. */
function keyCount(prefix: Keyvals, suffix: Keyvals, key: string): number {
  let count = 0;
  for (let i = 0; i < prefix.length; i += 2) if (keyOf(prefix[i]) === key) count++;
  for (let i = 0; i < suffix.length; i += 2) if (keyOf(suffix[i]) === key) count++;
  return count;
}

class PinoAdapter extends Sink {
  readonly #pino: Pino;
  readonly #level: Level | undefined;
  // Shared by the root and the loggers made from it, so a logger made per request still finds
  // the builder its call site used last.
  readonly #fields: FieldBuilder;

  constructor(pino: Pino, level: Level | undefined, fields: FieldBuilder) {
    super();
    this.#pino = pino;
    this.#level = level;
    this.#fields = fields;
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    const level = this.#level ?? firstLevel(prefix) ?? firstLevel(record) ?? firstLevel(suffix);
    const method = level === undefined ? "info" : level.name;
    const pino = this.#pino;
    const write = pino[method];
    // pino disables a level by making its method the no-op that `silent` is: skip the work.
    // (pino.isLevelEnabled says the same, at a tenth of a record's cost.)
    if (write === pino.silent) return;
    const builder = this.#fields;
    const fields = builder.build(prefix, record, suffix);
    const message = builder.message;
    try {
      if (!builder.hasMessage) write.call(pino, fields);
      else write.call(pino, fields, typeof message === "string" ? message : valueText(message));
    } catch {
      // A logger must not throw into business code: the record is dropped.
    }
  }

  override specialize(prefix: Keyvals, suffix: Keyvals): Route {
    // Turn what is fixed in the prefix into pino's own context, once: the level chooses the
    // method, and plain fields become child bindings, which pino serializes only once. Fields
    // whose key appears twice stay in the prefix, so the last one still wins.
    const level = this.#level ?? fixedLevel(prefix);
    const single = prefix.length === 2 && suffix.length === 0;
    let bindings: Record<string, unknown> | undefined;
    let rest: unknown[] | undefined;
    for (let i = 0; i < prefix.length; i += 2) {
      const key = prefix[i];
      const value = prefix[i + 1];
      const isLevelValue = typeof value === "object" && value !== null && isLevel(value);
      if (isLevelValue && level !== undefined) continue;
      if (
        typeof key !== "string" ||
        key === "msg" ||
        key === "__proto__" ||
        isLevelValue ||
        isValuer(value) ||
        (!single && keyCount(prefix, suffix, key) > 1)
      ) {
        (rest ??= []).push(key, value);
      } else {
        (bindings ??= {})[key] = bindingValue(key, value);
      }
    }
    if (level === this.#level && bindings === undefined) return { target: this, prefix, suffix };
    let pino = this.#pino;
    if (bindings !== undefined) {
      try {
        pino = pino.child(bindings);
      } catch {
        return { target: this, prefix, suffix };
      }
    }
    return { target: new PinoAdapter(pino, level, this.#fields), prefix: rest ?? EMPTY, suffix };
  }
}

/**
 * A Kit {@link Logger} that writes through `logger`, a pino logger, so Kit code logs with
 * pino's speed, serializers, redaction and transports.
 *
 * - The record's level value (from `level.info(…)` or any key) chooses pino's method;
 *   a record without one is logged at `info`. Levels pino has disabled cost a check.
 * - The value of `msg` is pino's message; every other pair goes into pino's merging object.
 * - Under `err`, an `Error` goes to pino as is (pino's `err` serializer adds type and stack);
 *   under any other key an `Error` prints its message. `undefined` prints `null`.
 * - What `with` and `withPrefix` fix (fields without valuers, the level) becomes a pino child
 *   logger and its method, once, so those fields are serialized once, not at each call.
 *   As in pino, those fields come first in the line, before the record's own.
 * - Nothing throws into the caller: a record pino fails to write is dropped.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * import * as log from "@kit/log";
 * import * as level from "@kit/log/level";
 * import { pinoLogger } from "@kit/log/pino";
 *
 * const logger = log.with(pinoLogger(pino()), "svc", "orders");
 * level.warn(logger).log("msg", "slow query", "ms", 1200);
 * // {"level":40,"time":…,"pid":…,"hostname":…,"svc":"orders","ms":1200,"msg":"slow query"}
 * ```
 */
export function pinoLogger(logger: Pino): Logger {
  return new PinoAdapter(logger, undefined, new FieldBuilder());
}
