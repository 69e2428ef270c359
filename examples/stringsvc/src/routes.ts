// Routing by exact path, any method, as Go's http.ServeMux does for Go kit's examples. A small
// stand-in until @kit/transport-http has a router of its own.
import type { IncomingMessage, ServerResponse } from "node:http";
import { background, Code, KitError } from "@kit/endpoint";
import { encodeError } from "@kit/transport-http";

/** A Node request handler, such as a transport-http `server(…)`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One handler serving `table`'s paths (`"/uppercase"`), whatever the method; any other path is
 * a 404 with a Kit JSON error body.
 *
 * @example
 * ```ts
 * http.createServer(routes({ "/uppercase": uppercase, "/count": count })).listen(8080);
 * ```
 */
export function routes(table: Readonly<Record<string, Handler>>): Handler {
  const byPath = new Map(Object.entries(table));
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handler = byPath.get(path);
    if (handler !== undefined) {
      handler(req, res);
      return;
    }
    encodeError(background(), new KitError(Code.NotFound, `no such path: ${path}`), res);
  };
}
