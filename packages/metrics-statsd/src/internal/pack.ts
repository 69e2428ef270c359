import { Buffer } from "node:buffer";

/**
 * Packs entries (one or more lines each, never split) into datagrams of at most `max` bytes,
 * joined with `\n` and with no trailing newline. An entry longer than `max` goes alone.
 */
export function pack(entries: readonly string[], max: number): Buffer[] {
  const datagrams: Buffer[] = [];
  let current = "";
  let size = 0;
  for (const entry of entries) {
    const bytes = Buffer.byteLength(entry);
    if (size > 0 && size + 1 + bytes > max) {
      datagrams.push(Buffer.from(current));
      current = "";
      size = 0;
    }
    current = size > 0 ? `${current}\n${entry}` : entry;
    size += (size > 0 ? 1 : 0) + bytes;
  }
  if (size > 0) datagrams.push(Buffer.from(current));
  return datagrams;
}
