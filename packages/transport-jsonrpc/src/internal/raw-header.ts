import type { IncomingMessage } from "node:http";

/**
 * The first value of the header `name` (lower case), read from `req.rawHeaders`: Node builds
 * `req.headers` on first use, an object of every header, where the server needs one or two.
 */
export function rawHeader(req: IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (sameName(raw[i] ?? "", name)) return raw[i + 1];
  }
  return undefined;
}

/** Whether `key` is `name` (lower case) in any case, without making a lower-case copy. */
function sameName(key: string, name: string): boolean {
  if (key.length !== name.length) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}
