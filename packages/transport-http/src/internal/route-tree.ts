import type { Handler } from "../router.ts";

/** A pattern's handler and the names of its parameters, in the order of the path. */
export interface Route {
  readonly handler: Handler;
  readonly names: readonly string[];
}

/** The routes of one path shape, by method; `""` is the one for any method. */
export type Methods = Map<string, Route>;

/** A parsed pattern: its method (`""` for any) and its segments. */
export interface Pattern {
  readonly method: string;
  readonly segments: readonly Segment[];
  /** The path as written, for error messages. */
  readonly path: string;
}

/** One segment of a pattern: a literal, a `{name}` (one segment) or a `{name...}` (the rest). */
export type Segment = { readonly literal: string } | { readonly param: string; readonly rest: boolean };

/**
 * A node of the pattern tree: a path so far, its routes and its children. A `{name}` child is
 * shared by every pattern with a parameter there, whatever each calls it: each route keeps its
 * own names (`GET /a/{id}` and `PUT /a/{key}/b` may both be given, as in Go's `ServeMux`).
 */
export class RouteNode {
  readonly literals: Map<string, RouteNode> = new Map<string, RouteNode>();
  param: RouteNode | undefined = undefined;
  rest: Methods | undefined = undefined;
  methods: Methods | undefined = undefined;
}

/** Where a path led: the routes of the most specific shape it matched, and its values in path order. */
export interface Found {
  readonly methods: Methods;
  readonly values: readonly string[];
}

/** A route's values by its parameters' names. */
export function valuesOf(route: Route, values: readonly string[]): Record<string, string> {
  const named: Record<string, string> = {};
  route.names.forEach((name, i) => {
    named[name] = values[i] ?? "";
  });
  return named;
}

/**
 * The patterns the path `segments` (from `at`) matches under `node`, most specific first: a
 * literal segment before a `{name}`, a `{name}` before a `{name...}`. Calls `visit` with each
 * until it returns true. `{name}` values are percent-decoded; a segment that does not decode
 * matches no parameter.
 */
export function walk(root: RouteNode, segments: readonly string[], visit: (found: Found) => boolean): boolean {
  const step = (node: RouteNode, at: number, values: readonly string[]): boolean => {
    if (at === segments.length) return node.methods !== undefined && visit({ methods: node.methods, values });
    const segment = segments[at] ?? "";
    const literal = node.literals.get(segment);
    if (literal !== undefined && step(literal, at + 1, values)) return true;
    const value = segment === "" ? undefined : decoded(segment);
    if (node.param !== undefined && value !== undefined && step(node.param, at + 1, [...values, value])) return true;
    if (node.rest === undefined) return false;
    const rest = decoded(segments.slice(at).join("/"));
    return rest !== undefined && visit({ methods: node.rest, values: [...values, rest] });
  };
  return step(root, 0, []);
}

function decoded(text: string): string | undefined {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Parses `"GET /items/{id}"` (or `"/items/{id}"`, for any method) into a {@link Pattern}. */
export function parsePattern(pattern: string): Pattern {
  const space = pattern.indexOf(" ");
  const method = space < 0 ? "" : pattern.slice(0, space);
  const path = space < 0 ? pattern : pattern.slice(space + 1).trim();
  if (!path.startsWith("/")) throw new SyntaxError(`route ${JSON.stringify(pattern)}: the path must start with "/"`);
  if (method !== "" && !/^[A-Za-z]+$/.test(method)) throw new SyntaxError(`route ${JSON.stringify(pattern)}: bad method`);
  const parts = path.slice(1).split("/");
  const segments = parts.map((part, i): Segment => {
    const param = /^\{(\w+)(\.\.\.)?\}$/.exec(part);
    if (param === null) {
      if (part.includes("{") || part.includes("}")) throw new SyntaxError(`route ${JSON.stringify(pattern)}: a {name} must be a whole segment`);
      return { literal: part };
    }
    const rest = param[2] !== undefined;
    if (rest && i !== parts.length - 1) throw new SyntaxError(`route ${JSON.stringify(pattern)}: {${param[1] ?? ""}...} must be last`);
    return { param: param[1] ?? "", rest };
  });
  return { method: method.toUpperCase(), segments, path };
}

/** Adds `handler` for `pattern` under `root`; a second handler for the same method and path shape (`/a/{x}` is `/a/{y}`) is refused. */
export function insert(root: RouteNode, pattern: Pattern, handler: Handler): void {
  let node = root;
  let methods: Methods | undefined;
  for (const segment of pattern.segments) {
    if ("literal" in segment) {
      let next = node.literals.get(segment.literal);
      if (next === undefined) node.literals.set(segment.literal, (next = new RouteNode()));
      node = next;
    } else if (segment.rest) {
      methods = node.rest ??= new Map();
    } else {
      node = node.param ??= new RouteNode();
    }
  }
  methods ??= node.methods ??= new Map();
  if (methods.has(pattern.method)) throw new SyntaxError(`route ${pattern.method === "" ? "" : `${pattern.method} `}${pattern.path} is given twice`);
  const names = pattern.segments.flatMap((segment) => ("param" in segment ? [segment.param] : []));
  if (new Set(names).size !== names.length) throw new SyntaxError(`route ${pattern.path}: a parameter name is used twice`);
  methods.set(pattern.method, { handler, names });
}
