// Builds pino's merging object out of keyvals, as fast as pino's own object literals.
//
// Setting properties by computed names (`fields[key] = value`) makes V8 take its slowest store
// path, which alone costs more than a tenth of a pino call. So for each shape of record (the
// sequence of keys of its three segments), a builder is generated once with `new Function`
// that checks the keys against string constants and creates the object as a literal, like
// `{ "id": v(r[3]), "path": v(r[5]) }`. Keys are written as JSON string literals, so no key can
// inject code. Where code generation is not allowed (`--disallow-code-generation-from-strings`,
// some edge runtimes), or past the cache's bound, the fields are set one by one.
import { isLevel } from "./level-value.ts";
import { MISSING, type Keyvals } from "./sink.ts";
import { valueText } from "./text.ts";

/** The fields of a record, and its message when it has a `msg` key. */
export type Fields = Record<string, unknown>;

/** Builds the fields of a record of one shape, or gives `undefined` for a record of another. */
type Build = (prefix: Keyvals, record: Keyvals, suffix: Keyvals) => Fields | undefined;

/** A shape of record (the keys of its three segments, in order) and its builder. */
interface Shape {
  readonly build: Build;
  /** Segment (0, 1, 2) and index of the value of the last `msg` key, or -1. */
  readonly msgSegment: number;
  readonly msgIndex: number;
}

/** A value as pino gets it: an Error prints its message (except under `err`), `undefined` is `null`. */
function field(value: unknown): unknown {
  if (typeof value === "object") {
    if (value === null) return null;
    if (value instanceof Error) return valueText(value);
    return value;
  }
  return value ?? null;
}

/** A value under `err`: pino's err serializer gets Errors as they are. */
function errField(value: unknown): unknown {
  return value ?? null;
}

/** Sets one field without letting `__proto__` change the object's prototype. */
function set(fields: Fields, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  else fields[key] = value;
}

const MAX_SHAPES = 1024;
const shapes = new Map<number, Shape[]>();
let shapeCount = 0;
let codegen = true;

function hash(prefix: Keyvals, record: Keyvals, suffix: Keyvals): number {
  let h = prefix.length * 961 + record.length * 31 + suffix.length;
  for (let segment = 0; segment < 3; segment++) {
    const keyvals = segment === 0 ? prefix : segment === 1 ? record : suffix;
    for (let i = 0; i < keyvals.length; i += 2) {
      const key = keyvals[i] as string;
      h = (h * 31 + key.length * 127 + (key.charCodeAt(0) | 0) + (key.charCodeAt(key.length - 1) | 0)) | 0;
    }
  }
  return h;
}

function generate(prefix: Keyvals, record: Keyvals, suffix: Keyvals): Shape | undefined {
  const checks: string[] = [];
  const levels: string[] = [];
  const members: string[] = [];
  let msgSegment = -1;
  let msgIndex = -1;
  for (let segment = 0; segment < 3; segment++) {
    const keyvals = segment === 0 ? prefix : segment === 1 ? record : suffix;
    const name = segment === 0 ? "p" : segment === 1 ? "r" : "s";
    checks.push(`${name}.length !== ${String(keyvals.length)}`);
    for (let i = 0; i < keyvals.length; i += 2) {
      const key = JSON.stringify(keyvals[i]);
      const value = `${name}${String(i + 1)}`;
      checks.push(`${name}[${String(i)}] !== ${key}`);
      levels.push(`const ${value} = ${name}[${String(i + 1)}]; if (typeof ${value} === "object" && ${value} !== null && l(${value})) return undefined;`);
      if (keyvals[i] === "msg") {
        msgSegment = segment;
        msgIndex = i + 1;
      } else {
        members.push(`${key}: ${keyvals[i] === "err" ? "e" : "v"}(${value})`);
      }
    }
  }
  const source = `"use strict"; return function build(p, r, s) {
    if (${checks.join(" || ")}) return undefined;
    ${levels.join("\n    ")}
    return { ${members.join(", ")} };
  };`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the top of this file
    const factory = new Function("v", "e", "l", source) as (
      v: (value: unknown) => unknown,
      e: (value: unknown) => unknown,
      l: (value: object) => boolean,
    ) => Build;
    return { build: factory(field, errField, isLevel), msgSegment, msgIndex };
  } catch {
    codegen = false;
    return undefined;
  }
}

/** Whether a record can use a generated builder: string keys, no `__proto__`, no level value, an even record. */
function cacheable(prefix: Keyvals, record: Keyvals, suffix: Keyvals): boolean {
  if (record.length % 2 === 1) return false;
  for (let segment = 0; segment < 3; segment++) {
    const keyvals = segment === 0 ? prefix : segment === 1 ? record : suffix;
    for (let i = 0; i < keyvals.length; i += 2) {
      const key = keyvals[i];
      const value = keyvals[i + 1];
      if (typeof key !== "string" || key === "__proto__") return false;
      if (typeof value === "object" && isLevel(value)) return false;
    }
  }
  return true;
}

/**
 * Turns records into pino's merging object and message. Each instance remembers the last
 * shape it built, so a logger used at one call site finds its builder without hashing.
 */
export class FieldBuilder {
  #last: Shape | undefined = undefined;
  /** The message of the record last built, or `undefined` when it had no `msg` key. */
  message: unknown = undefined;
  /** Whether the record last built had a `msg` key. */
  hasMessage = false;

  /** The merging object for a record; sets `message` and `hasMessage`. */
  build(prefix: Keyvals, record: Keyvals, suffix: Keyvals): Fields {
    let shape = this.#last;
    let fields = shape?.build(prefix, record, suffix);
    if (shape === undefined || fields === undefined) {
      shape = codegen && cacheable(prefix, record, suffix) ? this.#find(prefix, record, suffix) : undefined;
      fields = shape?.build(prefix, record, suffix);
      if (shape === undefined || fields === undefined) return this.#slow(prefix, record, suffix);
      this.#last = shape;
    }
    const segment = shape.msgSegment;
    this.hasMessage = segment >= 0;
    this.message = segment < 0 ? undefined : (segment === 0 ? prefix : segment === 1 ? record : suffix)[shape.msgIndex];
    return fields;
  }

  /** The shape of a cacheable record, from the shared cache or made now. */
  #find(prefix: Keyvals, record: Keyvals, suffix: Keyvals): Shape | undefined {
    const h = hash(prefix, record, suffix);
    const bucket = shapes.get(h);
    if (bucket !== undefined) {
      for (const shape of bucket) if (shape.build(prefix, record, suffix) !== undefined) return shape;
    }
    if (shapeCount >= MAX_SHAPES) return undefined;
    const shape = generate(prefix, record, suffix);
    if (shape === undefined) return undefined;
    shapeCount++;
    if (bucket === undefined) shapes.set(h, [shape]);
    else bucket.push(shape);
    return shape;
  }

  /** Sets the fields one by one: any record, including odd ones and level values. */
  #slow(prefix: Keyvals, record: Keyvals, suffix: Keyvals): Fields {
    const fields: Fields = {};
    this.hasMessage = false;
    this.message = undefined;
    for (let segment = 0; segment < 3; segment++) {
      const keyvals = segment === 0 ? prefix : segment === 1 ? record : suffix;
      const n = keyvals.length;
      for (let i = 0; i < n; i += 2) {
        const k = keyvals[i];
        const key = typeof k === "string" ? k : valueText(k);
        const value = i + 1 < n ? keyvals[i + 1] : MISSING;
        if (key === "msg") {
          this.message = value;
          this.hasMessage = true;
        } else if (!isLevel(value)) {
          set(fields, key, key === "err" ? errField(value) : field(value));
        }
      }
    }
    return fields;
  }
}

/** Pino's child bindings for fixed pairs, with the same value rules as records. */
export function bindingValue(key: string, value: unknown): unknown {
  return key === "err" ? errField(value) : field(value);
}
