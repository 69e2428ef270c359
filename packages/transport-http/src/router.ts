import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, KitError, background } from "@kit/endpoint";
import { encodeError, type ErrorEncoder } from "./error-encoder.ts";
import { withStatus } from "./error-status.ts";
import { insert, parsePattern, RouteNode, valuesOf, walk, type Methods, type Route } from "./internal/route-tree.ts";

/** A Node request handler, such as the one {@link server} returns: what a {@link router} serves. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers a request a {@link router} has no route for, given the request's path (without the
 * query; of an absolute-form target too). A {@link Handler} fits: the path is there to read.
 */
export type Unrouted = (req: IncomingMessage, res: ServerResponse, path: string) => void;

/** Options for {@link router}. */
export interface RouterOptions {
  /** Answers a path no route matches; defaults to a 404 `not_found` Kit error through the `errorEncoder`. */
  readonly notFound?: Unrouted | undefined;
  /**
   * Answers a path some route matches with another method; the `allow` header is set before it
   * runs. Defaults to a 405 `unimplemented` Kit error through the `errorEncoder`.
   */
  readonly methodNotAllowed?: Unrouted | undefined;
  /**
   * Writes the router's own 404 and 405 errors (the servers' `errorEncoder`, to answer alike);
   * defaults to {@link encodeError}, which also answers when this one throws or rejects.
   */
  readonly errorEncoder?: ErrorEncoder | undefined;
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
 * `{id}` over `{path...}`, a method over none). The query string is not matched; an
 * absolute-form target (`POST http://host/sum`, as sent to a proxy) is routed by its path. A
 * pattern ending in `/` matches only that path (Go's matches the subtree: write
 * `/files/{path...}`). A path segment whose percent-encoding is malformed (`%zz`) matches no
 * `{name}`. Patterns may name the parameters at one place differently (`GET /a/{id}`,
 * `PUT /a/{key}/b`).
 *
 * A path no pattern matches is answered 404 `not_found`; a path that matches only with other
 * methods is 405 `unimplemented` with an `allow` header listing them. Both are Kit errors
 * written by the `errorEncoder` option ({@link encodeError} by default), so a Kit client reads
 * the code; give `notFound` and `methodNotAllowed` to answer otherwise. Their messages name
 * the method and the path (cut after 100 characters). Two patterns for the same method and
 * path, or a malformed one, throw a `SyntaxError` here.
 *
 * @param routes - each pattern with the handler that serves it, such as a {@link server}
 * @param options - the 404 and 405 answers, and the encoder of the router's own errors
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
  const encode = options.errorEncoder ?? encodeError;
  const table: Table = {
    root,
    notFound: options.notFound ?? answerNotFound(encode),
    methodNotAllowed: options.methodNotAllowed ?? answerNotAllowed(encode),
  };
  return (req, res) => {
    const path = pathOf(req.url ?? "/");
    const known = exact.get(path);
    const found = known === undefined ? undefined : pick(known, req.method ?? "GET");
    if (found === undefined) route(table, path, req, res);
    else found.handler(req, res);
  };
}

/** A router's patterns and its answers for what they do not match. */
interface Table {
  readonly root: RouteNode;
  readonly notFound: Unrouted;
  readonly methodNotAllowed: Unrouted;
}

/**
 * The path a request target names, without the query: the target itself in origin form
 * (`/sum?x=1`), the URL's path in absolute form (`http://host/sum`, as sent to a proxy, which
 * Go's server routes by its path too); anything else (`*`, `host:443`) is returned as it is and
 * matches no pattern.
 */
function pathOf(target: string): string {
  if (!target.startsWith("/")) {
    if (!/^https?:\/\//i.test(target)) return target;
    try {
      return new URL(target).pathname;
    } catch {
      return target;
    }
  }
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}

function methodsAt(root: RouteNode, path: string): Methods {
  let found: Methods = new Map<string, Route>();
  walk(root, path.slice(1).split("/"), (f) => {
    found = f.methods;
    return true;
  });
  return found;
}

/** The route for `method` among `methods`: its own, GET's for HEAD, else the any-method one. */
function pick(methods: Methods, method: string): Route | undefined {
  return methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined) ?? methods.get("");
}

function route(table: Table, path: string, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? "GET";
  const allowed = new Set<string>();
  let chosen: { route: Route; values: readonly string[] } | undefined;
  if (path.startsWith("/")) {
    walk(table.root, path.slice(1).split("/"), (found) => {
      const picked = pick(found.methods, method);
      if (picked !== undefined) chosen = { route: picked, values: found.values };
      else for (const other of found.methods.keys()) allowed.add(other);
      return chosen !== undefined;
    });
  }
  if (chosen !== undefined) {
    (req as Routed)[valuesKey] = valuesOf(chosen.route, chosen.values);
    chosen.route.handler(req, res);
    return;
  }
  if (allowed.size === 0) {
    table.notFound(req, res, path);
    return;
  }
  if (allowed.has("GET")) allowed.add("HEAD");
  res.setHeader("allow", [...allowed].sort().join(", "));
  table.methodNotAllowed(req, res, path);
}

/** A path as the router's error messages show it: cut after 100 characters. */
function shown(path: string): string {
  return path.length > 100 ? `${path.slice(0, 100)}…` : path;
}

/** The default 404: `not_found` through `encode`. */
function answerNotFound(encode: ErrorEncoder): Unrouted {
  return (req, res, path) => {
    answer(new KitError(Code.NotFound, `no route for ${req.method ?? "GET"} ${shown(path)}`), res, encode);
  };
}

/** The default 405: `unimplemented` through `encode`. */
function answerNotAllowed(encode: ErrorEncoder): Unrouted {
  return (req, res, path) => {
    answer(withStatus(new KitError(Code.Unimplemented, `method ${req.method ?? "GET"} is not allowed on ${shown(path)}`), 405), res, encode);
  };
}

/**
 * Writes `err` with `encode`; if that throws or rejects, {@link encodeError} answers instead (as
 * a server does), or the connection is closed when the headers are already out.
 */
function answer(err: KitError, res: ServerResponse, encode: ErrorEncoder): void {
  const fallBack = (): void => {
    if (res.headersSent) res.destroy();
    else encodeError(background(), err, res);
  };
  try {
    const written = encode(background(), err, res);
    if (written !== undefined) written.catch(fallBack);
  } catch {
    fallBack();
  }
}
