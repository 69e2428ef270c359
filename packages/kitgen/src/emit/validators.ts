import { importFrom } from "./header.ts";
import type { Method, Service, WireType } from "../model.ts";
import { baseName, kebab, pascal } from "../names.ts";

/** The runtime the validators share: small checkers composed per type, with no library. */
const core = `
type Path = readonly (string | number)[];
interface Issue {
  readonly message: string;
  readonly path: Path;
}
type Check<T> = (value: unknown, path: Path, issues: Issue[]) => T;

const invalid: unique symbol = Symbol("invalid");

function fail(issues: Issue[], path: Path, message: string): typeof invalid {
  issues.push({ message, path });
  return invalid;
}

function schema<T>(check: Check<unknown>): Schema<T> {
  return {
    "~standard": {
      version: 1,
      vendor: "kitgen",
      validate: (value: unknown) => {
        const issues: Issue[] = [];
        const out = check(value, [], issues);
        return issues.length === 0 ? { value: out as T } : { issues };
      },
    },
  };
}
`;

/** The checkers, each emitted only when a schema uses it (unused code would fail `noUnusedLocals`). */
const helpers: Readonly<Record<string, string>> = {
  str: `
function str(minLength: number, maxLength: number, pattern: RegExp | undefined): Check<unknown> {
  return (value, path, issues) => {
    if (typeof value !== "string") return fail(issues, path, "expected a string");
    if (value.length < minLength) return fail(issues, path, \`expected at least \${minLength} characters\`);
    if (value.length > maxLength) return fail(issues, path, \`expected at most \${maxLength} characters\`);
    if (pattern !== undefined && !pattern.test(value)) return fail(issues, path, \`expected to match \${String(pattern)}\`);
    return value;
  };
}
`,
  num: `
function num(int: "" | "int32" | "int64", min: number, max: number): Check<unknown> {
  return (value, path, issues) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return fail(issues, path, "expected a number");
    if (int !== "" && !Number.isInteger(value)) return fail(issues, path, "expected an integer");
    if (int === "int32" && (value < -2147483648 || value > 2147483647)) return fail(issues, path, "expected a 32-bit integer");
    if (int === "int64" && !Number.isSafeInteger(value)) return fail(issues, path, "expected a safe integer");
    if (value < min) return fail(issues, path, \`expected at least \${min}\`);
    if (value > max) return fail(issues, path, \`expected at most \${max}\`);
    return value;
  };
}
`,
  bool: `
const bool: Check<unknown> = (value, path, issues) => (typeof value === "boolean" ? value : fail(issues, path, "expected a boolean"));
`,
  nul: `
const nul: Check<unknown> = (value, path, issues) => (value === null ? value : fail(issues, path, "expected null"));
`,
  nothing: `
const nothing: Check<unknown> = (value, path, issues) => (value === undefined ? value : fail(issues, path, "expected no value"));
`,
  lit: `
function lit(expected: string | number | boolean): Check<unknown> {
  return (value, path, issues) => (value === expected ? value : fail(issues, path, \`expected \${JSON.stringify(expected)}\`));
}
`,
  arr: `
function arr(element: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) return fail(issues, path, "expected an array");
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(element(value[i], [...path, i], issues));
    return out;
  };
}
`,
  isObject: `
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
`,
  rec: `
function rec(element: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, element(item, [...path, key], issues)]));
  };
}
`,
  obj: `
function obj(fields: readonly (readonly [string, boolean, Check<unknown>])[]): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    const out: Record<string, unknown> = {};
    for (const [name, optional, check] of fields) {
      const item = value[name];
      if (item === undefined) {
        if (!optional) fail(issues, [...path, name], "required");
        continue;
      }
      out[name] = check(item, [...path, name], issues);
    }
    return out;
  };
}
`,
  objFold: `
function objFold(fields: readonly (readonly [string, boolean, Check<unknown>])[]): Check<unknown> {
  const check = obj(fields);
  return (value, path, issues) => (isObject(value) ? check(foldKeys(value, fields), path, issues) : check(value, path, issues));
}

/** The object with each key that matches a field whatever its case renamed to the field (Go's rule: the last match wins). */
function foldKeys(value: Record<string, unknown>, fields: readonly (readonly [string, boolean, Check<unknown>])[]): Record<string, unknown> {
  const names = new Map(fields.map(([name]) => [name.toLowerCase(), name]));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[names.get(key.toLowerCase()) ?? key] = item;
  return out;
}
`,
  wrapped: `
function wrapped(field: string, fold: boolean, check: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    let item: unknown = fold ? undefined : value[field];
    if (fold) for (const [key, found] of Object.entries(value)) if (key.toLowerCase() === field.toLowerCase()) item = found;
    if (item === undefined) return fail(issues, [...path, field], "required");
    return check(item, [...path, field], issues);
  };
}
`,
  goStruct: `
type GoType = "int" | "float64" | "string" | "bool";

/** Go's \`encoding/json\` filling \`struct\`: keys in any case (the last match wins), a missing or null field its zero value, a mismatch Go's message. */
function goStruct(struct: string, fields: readonly (readonly [string, string, GoType])[]): Check<unknown> {
  const names = new Map(fields.map(([name]) => [name.toLowerCase(), name]));
  const short = struct.slice(struct.lastIndexOf(".") + 1);
  return (value, path, issues) => {
    const out: Record<string, unknown> = Object.fromEntries(fields.map(([name, , type]) => [name, goZero[type]]));
    if (value === null) return out;
    if (!isObject(value)) return fail(issues, path, \`json: cannot unmarshal \${goKind(value)} into Go value of type \${struct}\`);
    const found = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) {
      const name = names.get(key.toLowerCase());
      if (name !== undefined) found.set(name, item);
    }
    for (const [name, goName, type] of fields) {
      const item = found.get(name);
      if (item === undefined || item === null) continue;
      if (!goFits(item, type)) return fail(issues, path, \`json: cannot unmarshal \${goKind(item)} into Go struct field \${short}.\${goName} of type \${type}\`);
      out[name] = item;
    }
    return out;
  };
}

const goZero: Readonly<Record<GoType, unknown>> = { int: 0, float64: 0, string: "", bool: false };

function goFits(value: unknown, type: GoType): boolean {
  if (type === "string") return typeof value === "string";
  if (type === "bool") return typeof value === "boolean";
  return typeof value === "number" && (type === "float64" || Number.isInteger(value));
}

/** How Go's \`UnmarshalTypeError\` names a JSON value: \`string\`, \`number 1.5\`, \`bool\`, \`array\`, \`object\`. */
function goKind(value: unknown): string {
  if (typeof value === "number") return \`number \${String(value)}\`;
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "array";
  return typeof value === "string" ? "string" : "object";
}
`,
  goResult: `
/** A result in its field (its key in any case, the last match winning), as Go kit's clients read it; anything else \`want {"v": …}, got …\`. */
function goResult(field: string, want: string, check: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    let item: unknown;
    if (isObject(value)) for (const [key, found] of Object.entries(value)) if (key.toLowerCase() === field.toLowerCase()) item = found;
    const tried: Issue[] = [];
    const out = item === undefined ? invalid : check(item, path, tried);
    if (item !== undefined && tried.length === 0) return out;
    const got = item === undefined ? \`no \${field}\` : JSON.stringify(item).slice(0, 100);
    return fail(issues, path, \`want {"\${field}": \${want}}, got \${got}\`);
  };
}
`,
  oneOf: `
function oneOf(members: readonly Check<unknown>[], expected: string): Check<unknown> {
  return (value, path, issues) => {
    for (const member of members) {
      const tried: Issue[] = [];
      const out = member(value, path, tried);
      if (tried.length === 0) return out;
    }
    return fail(issues, path, \`expected \${expected}\`);
  };
}
`,
};

/** The helpers `code` uses, with the ones they use in turn, in a stable order. */
function helpersFor(code: string): string[] {
  const used = new Set(Object.keys(helpers).filter((name) => new RegExp(`(?<![\\w"])${name}(?![\\w"])`).test(code)));
  if (used.has("objFold")) used.add("obj");
  if (used.has("rec") || used.has("obj") || used.has("wrapped") || used.has("goStruct") || used.has("goResult")) used.add("isObject");
  return Object.keys(helpers).filter((name) => used.has(name));
}

/** A readable name of a wire type, for union messages: `"a" | "b" | null`. */
export function describe(type: WireType): string {
  switch (type.kind) {
    case "literal":
      return JSON.stringify(type.value);
    case "array":
      return `${describe(type.element)}[]`;
    case "record":
    case "object":
      return "an object";
    case "union":
      return type.members.map(describe).join(" | ");
    case "ref":
      return type.name;
    case "void":
      return "no value";
    case "string":
    case "number":
    case "boolean":
    case "null":
      return type.kind;
  }
}

/**
 * The checker expression for a wire type.
 *
 * @param type - the type
 * @param fold - match object keys whatever their case (`@jsonCaseInsensitive`)
 */
export function checkExpression(type: WireType, fold = false): string {
  const inner = (t: WireType): string => checkExpression(t, fold);
  switch (type.kind) {
    case "string":
      return `str(${type.minLength ?? 0}, ${type.maxLength ?? "Infinity"}, ${type.pattern === undefined ? "undefined" : `new RegExp(${JSON.stringify(type.pattern)}, "u")`})`;
    case "number":
      return `num(${JSON.stringify(type.int ?? "")}, ${type.min ?? "-Infinity"}, ${type.max ?? "Infinity"})`;
    case "boolean":
      return "bool";
    case "null":
      return "nul";
    case "void":
      return "nothing";
    case "literal":
      return `lit(${JSON.stringify(type.value)})`;
    case "array":
      return `arr(${inner(type.element)})`;
    case "record":
      return `rec(${inner(type.value)})`;
    case "object":
      return `${fold ? "objFold" : "obj"}([${type.fields.map((f) => `[${JSON.stringify(f.name)}, ${f.optional}, ${inner(f.type)}]`).join(", ")}])`;
    case "union":
      return `oneOf([${type.members.map(inner).join(", ")}], ${JSON.stringify(describe(type))})`;
    case "ref":
      return `(value, path, issues) => check${type.name}(value, path, issues)`;
  }
}

/**
 * The checker of a unary method's request under `@goJSON`: Go's `encoding/json` filling
 * `<package>.<Method>Request`, whose fields are the arguments capitalised; an integer is Go's
 * `int`, another number `float64`.
 */
function goStructExpression(goPackage: string, m: Method): string {
  const goType = (type: WireType): string => (type.kind === "number" ? (type.int === undefined ? "float64" : "int") : type.kind === "boolean" ? "bool" : "string");
  const fields = m.args.map((a) => `[${JSON.stringify(a.name)}, ${JSON.stringify(pascal(a.name))}, ${JSON.stringify(goType(a.type))}]`);
  return `goStruct(${JSON.stringify(`${goPackage}.${pascal(m.name)}Request`)}, [${fields.join(", ")}])`;
}

/** What a `@goJSON` client's message says a result should be: `an integer`, `a string`. */
function goWant(type: WireType): string {
  if (type.kind === "number") return type.int === undefined ? "a number" : "an integer";
  if (type.kind === "string" || type.kind === "boolean") return `a ${type.kind}`;
  return describe(type);
}

/** The name of a method's request (or response) schema: `getItemRequest`. */
export function schemaName(method: string, side: "Request" | "Response"): string {
  return `${method}${side}`;
}

/** `<base>.validators.ts`: a Standard Schema for every request and response. */
export function emitValidators(service: Service, head: string): string {
  const base = kebab(baseName(service.name));
  const typeNames = service.methods.flatMap((m) => [`${pascal(m.name)}Request`, `${pascal(m.name)}Response`]);
  const lines = [
    head,
    importFrom("type { Schema }", "@kit/transport"),
    importFrom(`type { ${typeNames.join(", ")} }`, `./${base}.endpoints.ts`),
  ];
  const body: string[] = [];
  const fold = service.ignoreKeyCase === true;
  for (const [name, type] of service.named) {
    body.push(`const check${name}: Check<unknown> = ${checkExpression(type, fold)};`);
  }
  for (const m of service.methods) {
    const request: WireType = (m.stream === "client" || m.stream === "bidi") && m.args[0] !== undefined ? m.args[0].type : { kind: "object", fields: m.args };
    const result = checkExpression(m.result, fold);
    const requestCheck = service.goJSON !== undefined && m.stream === undefined ? goStructExpression(service.goJSON, m) : checkExpression(request, fold);
    const wrap = service.goJSON === undefined ? `wrapped(${JSON.stringify(m.resultField)}, ${fold}, ${result})` : `goResult(${JSON.stringify(m.resultField)}, ${JSON.stringify(goWant(m.result))}, ${result})`;
    const response = m.resultField === undefined ? result : wrap;
    body.push(
      "",
      `/** Checks ${m.name}'s request${m.stream === "client" || m.stream === "bidi" ? " (each element of its stream)" : ""} and gives it its type; a bad value's issues name the field path. */`,
      `export const ${schemaName(m.name, "Request")}: Schema<${pascal(m.name)}Request> = schema(${requestCheck});`,
      "",
      `/** Checks ${m.name}'s response${m.resultField === undefined ? "" : ` (the result in its field \`${m.resultField}\`)`} and gives it its type. */`,
      `export const ${schemaName(m.name, "Response")}: Schema<${pascal(m.name)}Response> = schema(${response});`,
    );
  }
  const code = body.join("\n");
  lines.push(core, ...helpersFor(code).map((name) => helpers[name] ?? ""), code);
  return `${lines.join("\n")}\n`;
}
