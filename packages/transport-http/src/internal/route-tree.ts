import type { Handler } from "../router.ts";

/** The handlers of one path pattern, by method; `""` is the one for any method. */
export type Methods = Map<string, Handler>;

/** A parsed pattern: its method (`""` for any) and its segments. */
export interface Pattern {
  readonly method: string;
  readonly segments: readonly Segment[];
  /** The path as written, for error messages. */
  readonly path: string;
}

/** One segment of a pattern: a literal, a `{name}` (one segment) or a `{name...}` (the rest). */
export type Segment = { readonly literal: string } | { readonly param: string; readonly rest: boolean };

/** A node of the pattern tree: a path so far, its handlers and its children. */
export class RouteNode {
  readonly literals: Map<string, RouteNode> = new Map<string, RouteNode>();
  param: { readonly name: string; readonly node: RouteNode } | undefined = undefined;
  rest: { readonly name: string; readonly methods: Methods } | undefined = undefined;
  methods: Methods | undefined = undefined;
}

/** Where a path led: the handlers of the most specific pattern it matched, and its values. */
export interface Found {
  readonly methods: Methods;
  readonly values: Record<string, string>;
}

/**
 * The patterns the path `segments` (from `at`) matches under `node`, most specific first: a
 * literal segment before a `{name}`, a `{name}` before a `{name...}`. Calls `visit` with each
 * until it returns true. `{name}` values are percent-decoded; a segment that does not decode
 * matches no parameter.
 */
export function walk(root: RouteNode, segments: readonly string[], visit: (found: Found) => boolean): boolean {
  const step = (node: RouteNode, at: number, values: Record<string, string>): boolean => {
    if (at === segments.length) return node.methods !== undefined && visit({ methods: node.methods, values });
    const segment = segments[at] ?? "";
    const literal = node.literals.get(segment);
    if (literal !== undefined && step(literal, at + 1, values)) return true;
    const value = segment === "" ? undefined : decoded(segment);
    if (node.param !== undefined && value !== undefined) {
      if (step(node.param.node, at + 1, { ...values, [node.param.name]: value })) return true;
    }
    if (node.rest === undefined) return false;
    const rest = decoded(segments.slice(at).join("/"));
    return rest !== undefined && visit({ methods: node.rest.methods, values: { ...values, [node.rest.name]: rest } });
  };
  return step(root, 0, {});
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

/** Adds `handler` for `pattern` under `root`; a second handler for the same method and path is refused. */
export function insert(root: RouteNode, pattern: Pattern, handler: Handler): void {
  let node = root;
  let methods: Methods | undefined;
  for (const segment of pattern.segments) {
    if ("literal" in segment) {
      let next = node.literals.get(segment.literal);
      if (next === undefined) node.literals.set(segment.literal, (next = new RouteNode()));
      node = next;
    } else if (segment.rest) {
      if (node.rest !== undefined && node.rest.name !== segment.param) throw new SyntaxError(`route ${pattern.path}: conflicts with {${node.rest.name}...}`);
      node.rest ??= { name: segment.param, methods: new Map() };
      methods = node.rest.methods;
    } else {
      if (node.param !== undefined && node.param.name !== segment.param) throw new SyntaxError(`route ${pattern.path}: {${segment.param}} conflicts with {${node.param.name}}`);
      node.param ??= { name: segment.param, node: new RouteNode() };
      node = node.param.node;
    }
  }
  methods ??= node.methods ??= new Map();
  if (methods.has(pattern.method)) throw new SyntaxError(`route ${pattern.method === "" ? "" : `${pattern.method} `}${pattern.path} is given twice`);
  methods.set(pattern.method, handler);
}
