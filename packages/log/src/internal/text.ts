// How values become text: shared by the logfmt and JSON writers and the pino adapter.
import { isLevel } from "./level-value.ts";

// Characters at or above U+007F that are escaped inside quotes: DEL, the C1 controls, the soft
// hyphen, and the invisible formatting and bidirectional controls that can make a log line
// read differently from what it holds ("Trojan Source"), plus the line and paragraph separators.
const invisible = "\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb";
const hasInvisible = new RegExp(`[${invisible}]`);
const allInvisible = new RegExp(`[${invisible}]`, "g");

function isInvisible(c: number): boolean {
  return (
    (c >= 0x7f && c <= 0x9f) ||
    c === 0xad ||
    c === 0x61c ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x206f) ||
    c === 0xfeff ||
    (c >= 0xfff9 && c <= 0xfffb)
  );
}

function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Whether the code unit at `i` is half of a surrogate pair; `c` is the code unit. */
function isPaired(s: string, i: number, c: number): boolean {
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const previous = s.charCodeAt(i - 1);
  return previous >= 0xd800 && previous <= 0xdbff;
}

function escapeInvisible(json: string): string {
  return hasInvisible.test(json)
    ? json.replace(allInvisible, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : json;
}

/** A JSON string literal with the invisible characters escaped too: valid JSON and one line. */
function quote(s: string): string {
  return escapeInvisible(JSON.stringify(s));
}

/** Whether a logfmt value must be quoted: spaces, `=`, `"`, controls, invisible characters. */
function needsQuotes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x3d) return true;
      continue;
    }
    if (c <= 0x20 || isInvisible(c) || isUnicodeSpace(c)) return true;
    if (c >= 0xd800 && c <= 0xdfff && !isPaired(s, i, c)) return true;
  }
  return false;
}

/**
 * A string as a logfmt value: bare when it can be, quoted and escaped when not. The string
 * `null` is quoted, as go-logfmt does, so it reads apart from a null value's bare `null`.
 */
function token(s: string): string {
  if (s === "") return '""';
  if (s === "null") return '"null"';
  return needsQuotes(s) ? quote(s) : s;
}

/** A string as a JSON string literal. */
export function jsonString(s: string): string {
  if (s.length > 64) return quote(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x5c) return quote(s);
      continue;
    }
    if (c < 0x20 || isInvisible(c)) return quote(s);
    if (c >= 0xd800 && c <= 0xdfff && !isPaired(s, i, c)) return quote(s);
  }
  return `"${s}"`;
}

/** What a value that threw while being computed or rendered prints as. */
export function errorText(error: unknown): string {
  let message: string;
  try {
    const raw: unknown = error instanceof Error ? error.message : error;
    message = String(raw);
  } catch {
    message = "unprintable";
  }
  return `(ERROR: ${message})`;
}

function functionText(fn: { name: string }): string {
  return fn.name === "" ? "[Function (anonymous)]" : `[Function: ${fn.name}]`;
}

/** JSON for an object: `JSON.stringify`, or {@link safeStringify} when that throws. */
function objectJson(value: object): string {
  try {
    const json = JSON.stringify(value) as string | undefined;
    return json === undefined ? "null" : escapeInvisible(json);
  } catch {
    return safeStringify(value);
  }
}

/** Text for an object: a level's name, an error's message, else its JSON. */
function objectText(value: object): string {
  try {
    if (isLevel(value)) return value.name;
    if (value instanceof Error) {
      const message: unknown = value.message;
      return String(message);
    }
    const json = objectJson(value);
    // toJSON gave a string (Date, URL): log the string itself.
    return json.startsWith('"') ? (JSON.parse(json) as string) : json;
  } catch (error) {
    return errorText(error);
  }
}

/** The plain text of any value, as it reads in logfmt before quoting. */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "null";
    case "symbol":
      return value.toString();
    case "function":
      return functionText(value);
    case "object":
      return value === null ? "null" : objectText(value);
  }
}

/** A key as logfmt writes it: characters a key may not hold become `_`. */
export function logfmtKey(key: unknown): string {
  const s = typeof key === "string" ? key : valueText(key);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3d) return sanitizeKey(s);
  }
  return s === "" ? "_" : s;
}

function sanitizeKey(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const bad =
      c <= 0x20 ||
      c === 0x22 ||
      c === 0x3d ||
      isInvisible(c) ||
      isUnicodeSpace(c) ||
      (c >= 0xd800 && c <= 0xdfff && !isPaired(s, i, c));
    out += bad ? "_" : s.charAt(i);
  }
  return out;
}

/** Any value as a logfmt value; `null`, `undefined` and an object whose JSON is `null` print a bare `null`. */
export function logfmtValue(value: unknown): string {
  if (typeof value === "string") return token(value);
  if (typeof value === "number") return String(value);
  const text = valueText(value);
  return text === "null" && !(value instanceof Error) ? text : token(text);
}

/** Any value as JSON text. */
export function jsonValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return String(value);
    case "undefined":
      return "null";
    case "symbol":
      return jsonString(value.toString());
    case "function":
      return jsonString(functionText(value));
    case "object":
      if (value === null) return "null";
      if (isLevel(value)) return `"${value.name}"`;
      if (value instanceof Error) return jsonString(objectText(value));
      return objectJson(value);
  }
}

/**
 * JSON that never throws: like `JSON.stringify`, except that a cycle prints `"[Circular]"`,
 * a BigInt prints as a number, and a `toJSON` or getter that throws prints `"(ERROR: …)"`.
 */
export function safeStringify(value: unknown): string {
  return serialize(value, "", []) ?? "null";
}

function serialize(input: unknown, key: string, ancestors: object[]): string | undefined {
  let value = input;
  try {
    if (typeof value === "object" && value !== null) {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") value = (toJSON as (key: string) => unknown).call(value, key);
    }
  } catch (error) {
    return jsonString(errorText(error));
  }
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "object":
      break;
  }
  if (value === null) return "null";
  if (ancestors.includes(value)) return '"[Circular]"';
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const items = (value as unknown[]).map((item, index) => serialize(item, String(index), ancestors) ?? "null");
      return `[${items.join(",")}]`;
    }
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      return serialize(value.valueOf(), key, ancestors);
    }
    const members: string[] = [];
    for (const name of Object.keys(value)) {
      let member: unknown;
      try {
        member = (value as Record<string, unknown>)[name];
      } catch (error) {
        member = errorText(error);
      }
      const json = serialize(member, name, ancestors);
      if (json !== undefined) members.push(`${jsonString(name)}:${json}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.pop();
  }
}
