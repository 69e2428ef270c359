import type { Service } from "../model.ts";
import type { ProtoField, ProtoMessage, ProtoModel, ProtoType } from "../proto-model.ts";
import { protobufRuntime } from "./protobuf-runtime.ts";

type Scalar = Extract<ProtoType, { kind: "scalar" }>["proto"];

/** \`v.name\`, or \`v["my-name"]\` for a name that is not an identifier. */
function member(object: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

const scalarWire: Readonly<Record<Scalar, number>> = { string: 2, bool: 0, int32: 0, int64: 0, double: 1 };

/** The wire type of a value of `t` (not a map). */
function wireOf(t: ProtoType): number {
  if (t.kind === "scalar") return scalarWire[t.proto];
  return t.kind === "enum" ? 0 : 2;
}

/** Whether a repeated field of `t` is packed (numbers, booleans, enums). */
function packable(t: ProtoType): boolean {
  return wireOf(t) !== 2;
}

/** The statement writing the value `e` of `t` with field number `n` into the writer `w`. */
function writeValue(t: ProtoType, e: string, n: number, w: string): string {
  switch (t.kind) {
    case "scalar":
      if (t.proto === "string") return `${w}.tag(${n}, 2); ${w}.string(${e} as string);`;
      if (t.proto === "bool") return `${w}.tag(${n}, 0); ${w}.uint(${e} === true ? 1 : 0);`;
      if (t.proto === "double") return `${w}.tag(${n}, 1); ${w}.double(${e} as number);`;
      return `${w}.tag(${n}, 0); ${w}.int(${e} as number);`;
    case "enum":
      return `${w}.tag(${n}, 0); ${w}.uint(enumNumber(${t.name}Values, ${e}));`;
    case "message":
      return `${w}.tag(${n}, 2); ${w}.bytes(write${t.name}(${e} as Obj));`;
    case "map":
      throw new Error("a map is written by its field");
  }
}

/** A packed element: the value `e` of `t` written without a tag. */
function writePacked(t: ProtoType, e: string): string {
  if (t.kind === "enum") return `p.uint(enumNumber(${t.name}Values, ${e}));`;
  if (t.kind === "scalar" && t.proto === "bool") return `p.uint(${e} === true ? 1 : 0);`;
  if (t.kind === "scalar" && t.proto === "double") return `p.double(${e} as number);`;
  return `p.int(${e} as number);`;
}

/**
 * When a required (implicit-presence) field is written: not at its default, as proto3 does. A
 * field missing at runtime (a reply built by hand without it) is its zero value: not written.
 */
function notDefault(t: ProtoType, e: string): string | undefined {
  if (t.kind === "message") return `${e} !== undefined`;
  if (t.kind !== "scalar") return undefined;
  if (t.proto === "string") return `${e} !== undefined && ${e} !== ""`;
  if (t.proto === "bool") return `${e} === true`;
  if (t.proto === "double") return `${e} !== undefined && !Object.is(${e}, 0)`;
  return `${e} !== undefined && ${e} !== 0`;
}

function writeField(f: ProtoField): string {
  const e = member("v", f.name);
  const n = f.number;
  if (f.type.kind === "map") {
    const value = f.type.value;
    return `  for (const [k, x] of Object.entries(${e} as Obj)) {
    const entry = new Writer();
    entry.tag(1, 2);
    entry.string(k);
    ${writeValue(value, "x", 2, "entry")}
    w.tag(${n}, 2);
    w.bytes(entry.finish());
  }`;
  }
  if (f.label === "repeated" && packable(f.type)) {
    return `  if ((${e} as readonly unknown[]).length > 0) {
    const p = new Writer();
    for (const x of ${e} as readonly unknown[]) ${writePacked(f.type, "x")}
    w.tag(${n}, 2);
    w.bytes(p.finish());
  }`;
  }
  if (f.label === "repeated") return `  for (const x of ${e} as readonly unknown[]) {\n    ${writeValue(f.type, "x", n, "w")}\n  }`;
  if (f.label === "required" && f.type.kind === "scalar" && f.type.proto === "bool") return `  if (${e} === true) {\n    w.tag(${n}, 0); w.uint(1);\n  }`;
  const when = f.label === "optional" ? `${e} !== undefined` : f.label === "nullable" ? `${e} !== undefined && ${e} !== null` : notDefault(f.type, e);
  return when === undefined ? `  ${writeValue(f.type, e, n, "w")}` : `  if (${when}) {\n    ${writeValue(f.type, e, n, "w")}\n  }`;
}

/** The expression reading a value of `t` from the reader `r`. */
function readValue(t: ProtoType, r: string): string {
  switch (t.kind) {
    case "scalar":
      if (t.proto === "string") return `${r}.string()`;
      if (t.proto === "bool") return `${r}.uint() !== 0`;
      if (t.proto === "double") return `${r}.double()`;
      return `${r}.int(${t.proto === "int32" ? 32 : 64})`;
    case "enum":
      return `enumValue(${t.name}Values, ${r}.uint())`;
    case "message":
      return `read${t.name}(${r}.sub())`;
    case "map":
      throw new Error("a map is read by its field");
  }
}

/** What a map entry's value is when the entry leaves it out. */
function entryDefault(t: ProtoType): string {
  if (t.kind === "map") throw new Error("a map cannot hold maps");
  if (t.kind === "message") return `read${t.name}(new Reader(new Uint8Array(0)))`;
  if (t.kind === "enum") return "undefined";
  return t.proto === "string" ? '""' : t.proto === "bool" ? "false" : "0";
}

function readCase(f: ProtoField): string {
  const n = f.number;
  const target = member("out", f.name);
  if (f.type.kind === "map") {
    const value = f.type.value;
    return `      case ${n}: {
        r.want(wire, 2);
        const entry = r.sub();
        let key = "";
        let value: unknown = ${entryDefault(value)};
        while (!entry.done) {
          const [k, kw] = entry.tag();
          if (k === 1) {
            entry.want(kw, 2);
            key = entry.string();
          } else if (k === 2) {
            entry.want(kw, ${wireOf(value)});
            value = ${readValue(value, "entry")};
          } else entry.skip(kw);
        }
        f${n}.push([key, value]);
        break;
      }`;
  }
  if (f.label === "repeated" && packable(f.type)) return `      case ${n}:\n        f${n}.push(...r.each(wire, ${wireOf(f.type)}, (p) => ${readValue(f.type, "p")}));\n        break;`;
  const assign = f.label === "repeated" ? `f${n}.push(${readValue(f.type, "r")});` : `${target} = ${readValue(f.type, "r")};`;
  return `      case ${n}:\n        r.want(wire, ${wireOf(f.type)});\n        ${assign}\n        break;`;
}

function defaultOf(f: ProtoField): string | undefined {
  if (f.label === "nullable") return "null";
  if (f.label !== "required" || f.type.kind !== "scalar") return undefined;
  return f.type.proto === "string" ? '""' : f.type.proto === "bool" ? "false" : "0";
}

function readFunction(m: ProtoMessage): string {
  const defaults = m.fields.flatMap((f) => {
    const d = defaultOf(f);
    return d === undefined ? [] : [`${JSON.stringify(f.name)}: ${d}`];
  });
  const lists = m.fields.filter((f) => f.label === "repeated" || f.type.kind === "map");
  const locals = lists.map((f) => `  const f${f.number}: ${f.type.kind === "map" ? "[string, unknown][]" : "unknown[]"} = [];`);
  const assigns = lists.map((f) => `  ${member("out", f.name)} = ${f.type.kind === "map" ? `Object.fromEntries(f${f.number})` : `f${f.number}`};`);
  const loop =
    m.fields.length === 0
      ? "  while (!r.done) r.skip(r.tag()[1]);"
      : `  while (!r.done) {\n    const [field, wire] = r.tag();\n    switch (field) {\n${m.fields.map(readCase).join("\n")}\n      default:\n        r.skip(wire);\n    }\n  }`;
  const out = m.fields.length === 0 ? "  return {};" : `  return out;`;
  const head = m.fields.length === 0 ? [] : [`  const out: Record<string, unknown> = { ${defaults.join(", ")} };`, ...locals];
  return [`/** Reads a \`${m.name}\`. */`, `function read${m.name}(r: Reader): Record<string, unknown> {`, ...head, loop, ...assigns, out, "}"].join("\n");
}

function writeFunction(m: ProtoMessage): string {
  if (m.fields.length === 0) return `/** Writes a \`${m.name}\` (no fields). */\nfunction write${m.name}(): Uint8Array {\n  return new Uint8Array(0);\n}`;
  return [`/** Writes a \`${m.name}\`. */`, `function write${m.name}(v: Obj): Uint8Array {`, "  const w = new Writer();", ...m.fields.map(writeField), "  return w.finish();", "}"].join("\n");
}

/**
 * `<base>.pb.ts`: the protobuf codec of every message, as plain code on the wire format of
 * `@kit/transport-grpc/protobuf`; `encode<Message>` and `decode<Message>` for requests and responses.
 */
export function emitProtobuf(service: Service, model: ProtoModel, head: string): string {
  const top = new Set(service.methods.flatMap((m) => [`${m.name.charAt(0).toUpperCase()}${m.name.slice(1)}Request`, `${m.name.charAt(0).toUpperCase()}${m.name.slice(1)}Response`]));
  const enums = model.enums.map((e) => `/** The values of the enum \`${e.name}\`, numbered from 1. */\nconst ${e.name}Values = ${JSON.stringify(e.values)} as const;`);
  const exported = model.messages
    .filter((m) => top.has(m.name))
    .map(
      (m) => `/** Encodes a \`${m.name}\`. */
export function encode${m.name}(${m.fields.length === 0 ? "" : "value: Obj"}): Uint8Array {
  return write${m.name}(${m.fields.length === 0 ? "" : "value"});
}

/** Decodes a \`${m.name}\`; throws on a malformed message. */
export function decode${m.name}(bytes: Uint8Array): Record<string, unknown> {
  return read${m.name}(new Reader(bytes));
}`,
    );
  return [
    head,
    protobufRuntime(model),
    ...enums.flatMap((e) => [e, ""]),
    ...model.messages.flatMap((m) => [writeFunction(m), "", readFunction(m), ""]),
    exported.join("\n\n"),
    "",
  ].join("\n");
}
