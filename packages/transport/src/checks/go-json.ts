import { type Check, fail, invalid, type Issue, isObject } from "./check.ts";

/** The Go types a `@goJSON` request's fields have. */
export type GoType = "int" | "float64" | "string" | "bool";

/** A Go struct's fields: the TypeScript name, the Go name, and the Go type. */
export type GoFields = readonly (readonly [string, string, GoType])[];

const goZero: Readonly<Record<GoType, unknown>> = { int: 0, float64: 0, string: "", bool: false };

/**
 * Go's `encoding/json` filling `struct`: keys in any case (the last match wins), a missing or
 * null field its zero value, a mismatch Go's message
 * (`json: cannot unmarshal string into Go struct field SumRequest.A of type int`).
 *
 * @param struct - the Go type's qualified name: `addservice.SumRequest`
 * @param fields - the fields, each `[name, goName, goType]`
 */
export function goStruct(struct: string, fields: GoFields): Check<unknown> {
  const names = new Map(fields.map(([name]) => [name.toLowerCase(), name]));
  const short = struct.slice(struct.lastIndexOf(".") + 1);
  return (value, path, issues) => {
    const out: Record<string, unknown> = Object.fromEntries(fields.map(([name, , type]) => [name, goZero[type]]));
    if (value === null) return out;
    if (!isObject(value)) return fail(issues, path, `json: cannot unmarshal ${goKind(value)} into Go value of type ${struct}`);
    const found = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) {
      const name = names.get(key.toLowerCase());
      if (name !== undefined) found.set(name, item);
    }
    for (const [name, goName, type] of fields) {
      const item = found.get(name);
      if (item === undefined || item === null) continue;
      if (!goFits(item, type)) return fail(issues, path, `json: cannot unmarshal ${goKind(item)} into Go struct field ${short}.${goName} of type ${type}`);
      out[name] = item;
    }
    return out;
  };
}

function goFits(value: unknown, type: GoType): boolean {
  if (type === "string") return typeof value === "string";
  if (type === "bool") return typeof value === "boolean";
  return typeof value === "number" && (type === "float64" || Number.isInteger(value));
}

/** How Go's `UnmarshalTypeError` names a JSON value: `string`, `number 1.5`, `bool`, `array`, `object`. */
function goKind(value: unknown): string {
  if (typeof value === "number") return `number ${String(value)}`;
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "array";
  return typeof value === "string" ? "string" : "object";
}

/**
 * A result in its `field` (its key in any case, the last match winning), as Go kit's clients read
 * it; anything else is one issue, `want {"v": <want>}, got <the value>`.
 *
 * @param field - the key that holds the result
 * @param want - how the message names the result: `an integer`
 * @param check - the checker of the result
 */
export function goResult(field: string, want: string, check: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    let item: unknown;
    if (isObject(value)) for (const [key, found] of Object.entries(value)) if (key.toLowerCase() === field.toLowerCase()) item = found;
    const tried: Issue[] = [];
    const out = item === undefined ? invalid : check(item, path, tried);
    if (item !== undefined && tried.length === 0) return out;
    const got = item === undefined ? `no ${field}` : JSON.stringify(item).slice(0, 100);
    return fail(issues, path, `want {"${field}": ${want}}, got ${got}`);
  };
}
