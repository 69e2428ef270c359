import type { Writer } from "../../src/logger.ts";

/** A writer that keeps every chunk written to it. */
export interface Capture extends Writer {
  /** The chunks written so far, one per record. */
  readonly chunks: string[];
}

/** A writer that keeps every chunk written to it, for asserting the exact lines. */
export function capture(): Capture {
  const chunks: string[] = [];
  return {
    chunks,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  };
}
