import type { ServerResponse } from "node:http";

/** The content-type of every JSON body this package writes. */
export const jsonContentType = "application/json; charset=utf-8";

/**
 * Writes `text` as the JSON body, with its content-type and length and the status already set
 * (200 unless an `after` hook changed it), in one `writeHead` and one `end`; `undefined` is a
 * 204 No Content (or the status a hook set) without a body.
 */
export function writeJSON(res: ServerResponse, text: string | undefined): void {
  if (text === undefined) {
    if (res.statusCode === 200) res.statusCode = 204;
    res.end();
    return;
  }
  res.writeHead(res.statusCode, { "content-type": jsonContentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
