import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, KitError, background } from "@kit/endpoint";
import { encodeError } from "./error-encoder.ts";
import { withStatus } from "./error-status.ts";
import { insert, parsePattern, RouteNode, walk, type Found, type Methods } from "./internal/route-tree.ts";

/** A Node request handler, such as the one {@link server} returns: what a {@link router} serves. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Options for {@link router}. */
export interface RouterOptions {
  /** Answers a path no route matches; defaults to a 404 `not_found` Kit error body. */
  readonly notFound?: Handler;
  /**
   * Answers a path some route matches with another method; the `allow` header is set before it
   * runs. Defaults to a 405 `unimplemented` Kit error body.
   */
  readonly methodNotAllowed?: Handler;
}

const valuesKey = Symbol("kit.pathValues");

interface Routed {
  [valuesKey]?: Readonly<Record<string, string>>;
}

/**
 * The value of the path parameter `name` in the route that matched `req`, Go's
 * `Request.PathValue`: `"42"` for `{id}` in `GET /items/{id}` on `/items/42` (percent-decoded).
 * `undefined` when the route has no such parameter or the request did not come through a
 * {@link router}.
 *
 * @param req - the request being served
 * @param name - the parameter's name, as written between the braces
 *
 * @example
 * ```ts
 * const decodeGet: DecodeRequest<{ id: string }> = (_ctx, req) => ({ id: pathValue(req, "id") ?? "" });
 * ```
 */
export function pathValue(req: IncomingMessage, name: string): string | undefined {
  return (req as Routed)[valuesKey]?.[name];
}

/**
 * One request handler for several, chosen by method and path as Go 1.22's `ServeMux` does:
 * `"GET /items/{id}"` matches `GET` (and `HEAD`) on `/items/42`, with `pathValue(req, "id")`
 * `"42"`; `"/health"` matches any method; `{path...}` as the last segment matches the rest of
 * the path. The most specific pattern wins whatever the order (a literal segment over `{id}`,
 * `{id}` over `{path...}`, a method over none). The query string is not matched. A pattern
 * ending in `/` matches only that path (Go's matches the subtree: write `/files/{path...}`).
 *
 * A path no pattern matches is answered 404 `not_found`; a path that matches only with other
 * methods is 405 with an `allow` header listing them. Both bodies are Kit error bodies, so a
 * Kit client reads the code; give `notFound` and `methodNotAllowed` to answer otherwise.
 * Two patterns for the same method and path, or a malformed one, throw a `SyntaxError` here.
 *
 * @param routes - each pattern with the handler that serves it, such as a {@link server}
 * @param options - the 404 and 405 answers
 *
 * @example
 * ```ts
 * http.createServer(router({
 *   "POST /sum": server(sum, decodeJSON(SumRequest), encodeJSON),
 *   "GET /items/{id}": server(getItem, (_ctx, req) => ({ id: pathValue(req, "id") ?? "" }), encodeJSON),
 * })).listen(8080);
 * ```
 */
export function router(routes: Readonly<Record<string, Handler>> | Iterable<readonly [string, Handler]>, options: RouterOptions = {}): Handler {
  const root = new RouteNode();
  /** Patterns without parameters, by path: found with one map lookup. */
  const exact = new Map<string, Methods>();
  for (const [text, handler] of Symbol.iterator in routes ? routes : Object.entries(routes)) {
    const pattern = parsePattern(text);
    insert(root, pattern, handler);
    if (pattern.segments.every((segment) => "literal" in segment)) exact.set(pattern.path, methodsAt(root, pattern.path));
  }
  const table: Table = { root, notFound: options.notFound ?? answerNotFound, methodNotAllowed: options.methodNotAllowed ?? answerNotAllowed };
  return (req, res) => {
    const known = exact.get(pathOf(req));
    const handler = known === undefined ? undefined : pick(known, req.method ?? "GET");
    if (handler === undefined) route(table, req, res);
    else handler(req, res);
  };
}

/** A router's patterns and its answers for what they do not match. */
interface Table {
  readonly root: RouteNode;
  readonly notFound: Handler;
  readonly methodNotAllowed: Handler;
}

/** The request's path: its URL without the query string. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

function methodsAt(root: RouteNode, path: string): Methods {
  let found: Methods = new Map<string, Handler>();
  walk(root, path.slice(1).split("/"), (f) => {
    found = f.methods;
    return true;
  });
  return found;
}

/** The handler for `method` among `methods`: its own, GET's for HEAD, else the any-method one. */
function pick(methods: Methods, method: string): Handler | undefined {
  return methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined) ?? methods.get("");
}

function route(table: Table, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? "GET";
  const allowed = new Set<string>();
  let chosen: { handler: Handler; found: Found } | undefined;
  walk(table.root, pathOf(req).slice(1).split("/"), (found) => {
    const handler = pick(found.methods, method);
    if (handler !== undefined) chosen = { handler, found };
    else for (const other of found.methods.keys()) allowed.add(other);
    return chosen !== undefined;
  });
  if (chosen !== undefined) {
    (req as Routed)[valuesKey] = chosen.found.values;
    chosen.handler(req, res);
    return;
  }
  if (allowed.size === 0) {
    table.notFound(req, res);
    return;
  }
  if (allowed.has("GET")) allowed.add("HEAD");
  res.setHeader("allow", [...allowed].sort().join(", "));
  table.methodNotAllowed(req, res);
}

function answerNotFound(req: IncomingMessage, res: ServerResponse): void {
  encodeError(background(), new KitError(Code.NotFound, `no route for ${req.method ?? "GET"} ${pathOf(req)}`), res);
}

function answerNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  const err = new KitError(Code.Unimplemented, `method ${req.method ?? "GET"} is not allowed on ${pathOf(req)}`);
  encodeError(background(), withStatus(err, 405), res);
}
