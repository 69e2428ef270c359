// Routing by method and path pattern ("/booking/v1/cargos/{id}"), as gorilla/mux does for Go kit's
// shipping sample, with the path's variables readable by the decoders. A small stand-in until
// @kit/transport-http has a router of its own.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A Node request handler, such as a transport-http `server(…)`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One route: `GET /profiles/{id}` and its handler. */
export interface Route {
  /** The HTTP method. */
  readonly method: string;
  /** The path; a `{name}` segment matches any one non-empty segment. */
  readonly path: string;
  /** What serves it. */
  readonly handler: Handler;
}

const variables = new WeakMap<IncomingMessage, Readonly<Record<string, string>>>();

/**
 * The path's variables of a routed request, gorilla's `mux.Vars(r)`: `{ id: "ABC123" }` for
 * `/booking/v1/cargos/ABC123` on `/booking/v1/cargos/{id}`. Segments are percent-decoded.
 */
export function pathVars(req: IncomingMessage): Readonly<Record<string, string>> {
  return variables.get(req) ?? {};
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const vars: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? "";
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== segment) return undefined;
    } else {
      if (segment === "") return undefined;
      try {
        vars[name] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    }
  }
  return vars;
}

/**
 * One handler for `routes`. A path no route has is `notFound`; a path some route has with
 * another method is `methodNotAllowed` (with an `allow` header), as gorilla/mux answers.
 *
 * @example
 * ```ts
 * http.createServer(router([{ method: "GET", path: "/booking/v1/cargos/{id}", handler }], notFound, notAllowed));
 * ```
 */
export function router(routes: readonly Route[], notFound: Handler, methodNotAllowed: Handler): Handler {
  const compiled = routes.map((r) => ({ ...r, pattern: r.path.split("/") }));
  return (req, res) => {
    const segments = (req.url ?? "/").split("?")[0]?.split("/") ?? [];
    const allowed: string[] = [];
    for (const route of compiled) {
      const vars = match(route.pattern, segments);
      if (vars === undefined) continue;
      if (route.method !== req.method) {
        allowed.push(route.method);
        continue;
      }
      variables.set(req, vars);
      route.handler(req, res);
      return;
    }
    if (allowed.length === 0) notFound(req, res);
    else {
      res.setHeader("allow", allowed.join(", "));
      methodNotAllowed(req, res);
    }
  };
}
