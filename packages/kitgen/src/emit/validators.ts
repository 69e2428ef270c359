import { importFrom } from "./header.ts";
import type { Method, Service, WireType } from "../model.ts";
import { baseName, kebab, pascal } from "../names.ts";

/** The checkers of `@kit/transport/checks`, each imported only when a schema uses it (an unused import would fail `noUnusedLocals`). */
const checkers = ["str", "num", "bool", "nul", "nothing", "lit", "arr", "rec", "obj", "objFold", "wrapped", "goStruct", "goResult", "oneOf"] as const;

/** The checkers `code` uses, in a stable order. */
function checkersFor(code: string): string[] {
  return checkers.filter((name) => new RegExp(`(?<![\\w"])${name}(?![\\w"])`).test(code));
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
  const names = ["schema", ...checkersFor(code), ...(service.named.size > 0 ? ["type Check"] : [])];
  lines.splice(2, 0, importFrom(`{ ${names.join(", ")} }`, "@kit/transport/checks"));
  lines.push("", code.replace(/^\n+/, ""));
  return `${lines.join("\n")}\n`;
}
