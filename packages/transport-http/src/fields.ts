import type { IncomingMessage } from "node:http";
import { Code, KitError, type Context } from "@kit/endpoint";
import { jsonCodec, validate, type Schema } from "@kit/transport";
import { readBodyAs } from "./body.ts";
import { notJSON } from "./codec.ts";
import { pathValue } from "./router.ts";
import type { DecodeRequest } from "./server.ts";

/**
 * How {@link decodeFields} reads a path value or a query parameter: as the text, or as a
 * number or a boolean when the text is one (`"42"`, `"true"`). Text that is not is kept as
 * text, so the schema names the field that is wrong.
 */
export type FieldKind = "string" | "number" | "boolean";

/** Where {@link decodeFields} finds a request's fields, by field name. */
export interface FieldSources {
  /** Path parameters of the route (`{id}` in `GET /items/{id}`), read with {@link pathValue}. */
  readonly path?: Readonly<Record<string, FieldKind>>;
  /** Query parameters (`?limit=10`); one the request does not carry is left out. */
  readonly query?: Readonly<Record<string, FieldKind>>;
  /** Whether the body is a JSON object with the other fields (for `POST`, `PUT`, `PATCH`). */
  readonly body?: boolean;
}

/**
 * A request decoder for a route whose request is spread over the path, the query and the body,
 * as REST routes have it (`PUT /products/{id}/price?note=x` with `{"price": 3}`): the body's
 * JSON object (when `sources.body`), with each path value and query parameter set over it as
 * its {@link FieldKind} says, then checked by `schema` (any Standard Schema; without one the
 * object is not checked: `T` is what you promise it is). Path values come from the
 * {@link router} the request came through.
 *
 * - a body that is not a JSON object, or malformed JSON → 400 `invalid_argument`;
 * - a `content-type` that is not JSON → 415 `invalid_argument` (as {@link decodeJSON});
 * - a body over `maxBodyBytes` → 413 `resource_exhausted`;
 * - a field the schema refuses → 400 `invalid_argument`, `path: problem` for each issue.
 *
 * @param schema - checks the fields and types them
 * @param sources - the fields in the path, in the query, and whether there is a JSON body
 *
 * @example
 * ```ts
 * const SetPrice = z.object({ id: z.number(), price: z.number() });
 * router({ "PUT /products/{id}/price": server(setPrice, decodeFields(SetPrice, { path: { id: "number" }, body: true }), encodeJSON) });
 * ```
 */
export function decodeFields<T = Record<string, unknown>>(schema: Schema<T> | undefined, sources: FieldSources): DecodeRequest<T> {
  const check = schema === undefined ? (fields: Record<string, unknown>) => fields as T : (fields: Record<string, unknown>) => validate(schema, fields);
  const fill = (req: IncomingMessage, fields: Record<string, unknown>): T | Promise<T> => check(withQuery(req, withPath(req, fields, sources.path), sources.query));
  if (sources.body !== true) return (_ctx: Context, req: IncomingMessage) => fill(req, {});
  return (_ctx: Context, req: IncomingMessage): Promise<T> => {
    const refused = notJSON(req);
    return refused === undefined ? readBodyAs(req, (body) => fill(req, jsonObject(body))) : Promise.reject(refused);
  };
}

function jsonObject(body: Buffer): Record<string, unknown> {
  const value = jsonCodec.decode(body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new KitError(Code.InvalidArgument, "expected a JSON object");
  return value as Record<string, unknown>;
}

function withPath(req: IncomingMessage, fields: Record<string, unknown>, path: FieldSources["path"]): Record<string, unknown> {
  if (path === undefined) return fields;
  for (const [name, kind] of Object.entries(path)) {
    const text = pathValue(req, name);
    if (text !== undefined) fields[name] = fieldValue(text, kind);
  }
  return fields;
}

function withQuery(req: IncomingMessage, fields: Record<string, unknown>, query: FieldSources["query"]): Record<string, unknown> {
  if (query === undefined) return fields;
  const target = req.url ?? "/";
  const mark = target.indexOf("?");
  if (mark < 0) return fields;
  const params = new URLSearchParams(target.slice(mark + 1).split("#")[0]);
  for (const [name, kind] of Object.entries(query)) {
    const text = params.get(name);
    if (text !== null) fields[name] = fieldValue(text, kind);
  }
  return fields;
}

/** A path value or query parameter as its kind says, or as the text when it is not one. */
function fieldValue(text: string, kind: FieldKind): unknown {
  if (kind === "number") return text.trim() === "" || Number.isNaN(Number(text)) ? text : Number(text);
  if (kind === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}
