import { Code, KitError } from "@kit/endpoint";

/** An event field as a plain object. */
export type Fields = Readonly<Record<string, unknown>>;

/** Whether `value` is a non-null, non-array object. */
export function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `invalid_argument` error for a malformed event, naming the field. */
export function malformed(field: string, want: string): KitError {
  return new KitError(Code.InvalidArgument, `malformed Lambda event: ${field}: want ${want}`, { details: { field } });
}

/** A string field; `undefined` when absent or null, refused when it is anything else. */
export function optionalString(fields: Fields, name: string, field: string = name): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw malformed(field, "a string");
  return value;
}

/** A string field that must be there. */
export function requiredString(fields: Fields, name: string, field: string = name): string {
  const value = optionalString(fields, name, field);
  if (value === undefined) throw malformed(field, "a string");
  return value;
}

/** An object field; `undefined` when absent or null. */
export function optionalObject(fields: Fields, name: string, field: string = name): Fields | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw malformed(field, "an object");
  return value;
}

/** A `{ name: "value" }` map (headers, query or path parameters); empty when absent or null. */
export function stringMap(fields: Fields, name: string): Readonly<Record<string, string>> {
  const map = optionalObject(fields, name) ?? {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== "string") throw malformed(`${name}.${key}`, "a string");
  }
  return map as Readonly<Record<string, string>>;
}

/** A `{ name: ["value", …] }` map (multi-value headers or query); `undefined` when absent or null. */
export function multiMap(fields: Fields, name: string): Readonly<Record<string, readonly string[]>> | undefined {
  const map = optionalObject(fields, name);
  if (map === undefined) return undefined;
  for (const [key, values] of Object.entries(map)) {
    if (!Array.isArray(values) || !values.every((value) => typeof value === "string")) {
      throw malformed(`${name}.${key}`, "an array of strings");
    }
  }
  return map as Readonly<Record<string, readonly string[]>>;
}

/** A `["value", …]` array; empty when absent or null. */
export function stringArray(fields: Fields, name: string): readonly string[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw malformed(name, "an array of strings");
  return value;
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * The event's body as bytes: base64-decoded when `isBase64Encoded` is true (refusing text that
 * is not base64), else the UTF-8 of the text; empty when there is none.
 */
export function eventBody(fields: Fields): Uint8Array {
  const text = optionalString(fields, "body") ?? "";
  const encoded = fields.isBase64Encoded;
  if (encoded !== undefined && encoded !== null && typeof encoded !== "boolean") throw malformed("isBase64Encoded", "a boolean");
  if (encoded !== true) return Buffer.from(text, "utf8");
  if (!base64.test(text)) throw malformed("body", "base64 text, since isBase64Encoded is true");
  return Buffer.from(text, "base64");
}
