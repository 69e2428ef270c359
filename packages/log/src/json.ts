import type { Logger, Writer } from "./logger.ts";
import { type Keyvals, MISSING, Sink } from "./internal/sink.ts";
import { jsonString, jsonValue, valueText } from "./internal/text.ts";
import { writeLine } from "./internal/write.ts";

function keyOf(key: unknown): string {
  return typeof key === "string" ? key : valueText(key);
}

/** Whether `key` is a key of `keyvals` at an index of `from` or more. */
function hasKey(keyvals: Keyvals, from: number, key: string): boolean {
  for (let i = from; i < keyvals.length; i += 2) {
    const k = keyvals[i];
    if (k === key || (typeof k !== "string" && valueText(k) === key)) return true;
  }
  return false;
}

class JsonLogger extends Sink {
  readonly #writer: Writer;

  constructor(writer: Writer) {
    super();
    this.#writer = writer;
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    let line = "";
    // Three passes, one per segment, keeping a pair only when no later pair has its key.
    for (let segment = 0; segment < 3; segment++) {
      const keyvals = segment === 0 ? prefix : segment === 1 ? record : suffix;
      const n = keyvals.length;
      for (let i = 0; i < n; i += 2) {
        const key = keyOf(keyvals[i]);
        if (
          hasKey(keyvals, i + 2, key) ||
          (segment === 0 && hasKey(record, 0, key)) ||
          (segment < 2 && hasKey(suffix, 0, key))
        ) {
          continue;
        }
        const pair = `${jsonString(key)}:${i + 1 < n ? jsonValue(keyvals[i + 1]) : `"${MISSING}"`}`;
        line = line === "" ? pair : `${line},${pair}`;
      }
    }
    writeLine(this.#writer, `{${line}}\n`);
  }
}

/**
 * A logger writing each record as one JSON object on one line: Go kit's `log.NewJSONLogger`,
 * keeping the keys in the order they were logged.
 *
 * - Keys are strings (other keys print as in logfmt); when a key repeats, the last value wins,
 *   as in Go kit, and the key sits where it last appears.
 * - An `Error` prints its message and a level its name; `undefined`, `NaN` and `±Infinity` print
 *   `null`; a BigInt prints as a number; a cycle prints `"[Circular]"`. Nothing throws.
 * - An odd count gives the last key the value `"(MISSING)"`.
 *
 * @example
 * ```ts
 * const logger = jsonLogger(process.stdout);
 * logger.log("msg", "order placed", "id", 42);
 * // {"msg":"order placed","id":42}
 * ```
 */
export function jsonLogger(writer: Writer): Logger {
  return new JsonLogger(writer);
}
