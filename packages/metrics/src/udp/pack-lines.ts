import { Buffer } from "node:buffer";

/**
 * Where the newlines go in a datagram of lines: only `between` them (StatsD: `a\nb`), or
 * `after` each one (InfluxDB line protocol: `a\nb\n`).
 */
export type LineEnd = "between" | "after";

/**
 * Packs lines into datagrams of at most `maxBytes` bytes (UTF-8), in order, newlines placed as
 * `end` says. A line is never split (one may hold several lines of its own, such as a
 * histogram's observations); a line longer than `maxBytes` goes alone.
 *
 * @param lines - the lines, without their newlines
 * @param maxBytes - the largest datagram, in bytes
 * @param end - where the newlines go
 */
export function packLines(lines: readonly string[], maxBytes: number, end: LineEnd): Buffer[] {
  // Every line costs its bytes and one newline; joined only `between`, a datagram has one newline less.
  const spared = end === "between" ? 1 : 0;
  const datagrams: Buffer[] = [];
  let batch: string[] = [];
  let cost = 0;
  const close = (): void => {
    const text = batch.join("\n");
    datagrams.push(Buffer.from(end === "after" ? `${text}\n` : text));
  };
  for (const line of lines) {
    const lineCost = Buffer.byteLength(line) + 1;
    if (batch.length > 0 && cost + lineCost - spared > maxBytes) {
      close();
      batch = [];
      cost = 0;
    }
    batch.push(line);
    cost += lineCost;
  }
  if (batch.length > 0) close();
  return datagrams;
}
