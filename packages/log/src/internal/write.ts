import type { Writer } from "../logger.ts";

function ignore(): void {
  // A failed write drops the record; see Writer.
}

/** Writes one line; a throw or a rejected promise drops it instead of reaching the caller. */
export function writeLine(writer: Writer, line: string): void {
  try {
    const result = writer.write(line);
    if (typeof result === "object" && result !== null && typeof (result as { then?: unknown }).then === "function") {
      (result as PromiseLike<unknown>).then(undefined, ignore);
    }
  } catch {
    ignore();
  }
}
