import type { Logger, Writer } from "./logger.ts";
import { type Keyvals, MISSING, Sink } from "./internal/sink.ts";
import { keyText } from "./internal/logfmt-keys.ts";
import { logfmtValue } from "./internal/text.ts";
import { writeLine } from "./internal/write.ts";

function appendPairs(line: string, keyvals: Keyvals): string {
  const n = keyvals.length;
  let out = line;
  for (let i = 0; i < n; i += 2) {
    const key = keyText(keyvals[i]);
    out = out === "" ? key.first : out + key.next;
    out += i + 1 < n ? logfmtValue(keyvals[i + 1]) : MISSING;
  }
  return out;
}

class LogfmtLogger extends Sink {
  readonly #writer: Writer;

  constructor(writer: Writer) {
    super();
    this.#writer = writer;
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    let line = appendPairs("", prefix);
    line = appendPairs(line, record);
    line = appendPairs(line, suffix);
    writeLine(this.#writer, `${line}\n`);
  }
}

/**
 * A logger writing each record as one logfmt line (`key=value key=value`): Go kit's
 * `log.NewLogfmtLogger`.
 *
 * - Strings are bare unless they hold a space, `=`, `"`, a control or invisible character,
 *   or are empty; then they are quoted, with JSON escapes (`\n`, `\"`, `\u2028`, …).
 * - Numbers, booleans and BigInts print as themselves; `null` and `undefined` as `null`.
 * - An `Error` prints its message; a level its name; a `Date` its ISO form (any `toJSON`
 *   that gives a string is used); other objects their JSON, where a cycle is `"[Circular]"`.
 * - A key loses nothing but the characters a logfmt key may not hold, which become `_`.
 * - An odd count gives the last key the value `(MISSING)`.
 *
 * @example
 * ```ts
 * const logger = logfmtLogger(process.stdout);
 * logger.log("msg", "order placed", "id", 42, "err", new Error("card declined"));
 * // msg="order placed" id=42 err="card declined"
 * ```
 */
export function logfmtLogger(writer: Writer): Logger {
  return new LogfmtLogger(writer);
}
