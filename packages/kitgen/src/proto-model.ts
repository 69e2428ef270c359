import { KitgenError } from "./diagnostic.ts";
import type { Field, Method, ObjectType, Service, WireType } from "./model.ts";
import { pascal } from "./names.ts";

/** A protobuf field type: a scalar, an enum or a message (by name), or a map of them. */
export type ProtoType =
  | { readonly kind: "scalar"; readonly proto: "string" | "bool" | "int32" | "int64" | "double" }
  | { readonly kind: "enum"; readonly name: string }
  | { readonly kind: "message"; readonly name: string }
  | { readonly kind: "map"; readonly value: ProtoType };

/** One field of a message. */
export interface ProtoField {
  /** The TypeScript property name. */
  readonly name: string;
  /** The field number, from 1 in declaration order. */
  readonly number: number;
  /** Its type; for `repeated`, the element's. */
  readonly type: ProtoType;
  /** `optional` (may be left out), `nullable` (`T | null`: absent reads as `null`), `repeated`, or `required`. */
  readonly label: "optional" | "nullable" | "repeated" | "required";
}

/** A message: a request, a response, or an object type inside one. */
export interface ProtoMessage {
  /** Its protobuf name. */
  readonly name: string;
  /** Its fields. */
  readonly fields: readonly ProtoField[];
  /** A response whose result is not an object: its one field `value` holds the result. */
  readonly wrapper: boolean;
}

/** An enum, from a union of string literals: its values in order (numbered from 1; 0 is unspecified). */
export interface ProtoEnum {
  /** Its protobuf name. */
  readonly name: string;
  /** The string literals, in declaration order. */
  readonly values: readonly string[];
}

/** A service mapped to protobuf: every message and enum, in a stable order. */
export interface ProtoModel {
  /** The messages, in the order they were first met. */
  readonly messages: readonly ProtoMessage[];
  /** The enums, in the order they were first met. */
  readonly enums: readonly ProtoEnum[];
}

/** Maps a service's types to protobuf messages; throws {@link KitgenError} for a type protobuf cannot hold. */
export function protoModel(service: Service): ProtoModel {
  const builder = new Builder(service);
  for (const m of service.methods) builder.method(m);
  return { messages: builder.messages, enums: builder.enums };
}

/** The message names of a method's request and response. */
export function messageNames(m: Method): { readonly request: string; readonly response: string } {
  return { request: `${pascal(m.name)}Request`, response: `${pascal(m.name)}Response` };
}

class Builder {
  readonly messages: ProtoMessage[] = [];
  readonly enums: ProtoEnum[] = [];
  private readonly byShape = new Map<string, string>();
  private readonly service: Service;

  constructor(service: Service) {
    this.service = service;
  }

  method(m: Method): void {
    const names = messageNames(m);
    const element = m.stream === "client" || m.stream === "bidi" ? m.args[0]?.type : undefined;
    if (element === undefined) this.add(names.request, m.args);
    else if (element.kind === "object") this.add(names.request, element.fields);
    else this.add(names.request, [{ name: "value", optional: false, type: element }], `${pascal(m.name)}Item`);
    const result = m.result;
    const errors = this.errorFields(m);
    if (result.kind === "void") this.add(names.response, errors);
    else if (result.kind === "object") this.add(names.response, [...result.fields, ...errors]);
    else this.add(names.response, [{ name: m.resultField ?? "value", optional: false, type: result }, ...errors], `${pascal(m.name)}Result`);
  }

  /** The `@errorField` of a unary method's reply, a string after the result's fields; none for a stream. */
  private errorFields(m: Method): Field[] {
    const name = this.service.errorField;
    if (name === undefined || m.stream !== undefined) return [];
    const result = m.result;
    const taken = result.kind === "object" ? result.fields.map((f) => f.name) : result.kind === "void" ? [] : [m.resultField ?? "value"];
    if (taken.includes(name)) throw this.error(messageNames(m).response, `the result already has a field ${JSON.stringify(name)}, the @errorField; rename one of them`);
    return [{ name, optional: false, type: { kind: "string" } }];
  }

  /** Adds a message; a wrapper's one field is named in nested types as `wrapped` (`GetItemResult`), not `<Response>.value`. */
  private add(name: string, fields: readonly Field[], wrapped?: string): void {
    const message = { name, fields: [] as ProtoField[], wrapper: wrapped !== undefined };
    this.messages.push(message);
    fields.forEach((f, i) => message.fields.push(this.field(f, i + 1, wrapped ?? `${name}.${f.name}`)));
  }

  private field(f: Field, number: number, where: string): ProtoField {
    let type = f.type;
    let label: ProtoField["label"] = f.optional ? "optional" : "required";
    if (type.kind === "union" && type.members.some((m) => m.kind === "null")) {
      const rest = type.members.filter((m) => m.kind !== "null");
      if (f.optional) throw this.error(where, "an optional field that can also be null has no protobuf form; drop `?` or `| null`");
      label = "nullable";
      type = rest.length === 1 && rest[0] !== undefined ? rest[0] : { kind: "union", members: rest };
    }
    if (type.kind === "array") {
      if (label !== "required") throw this.error(where, "a repeated field has no presence in protobuf; make it required (empty means none)");
      return { name: f.name, number, type: this.element(type.element, where), label: "repeated" };
    }
    if (type.kind === "record" && label !== "required") throw this.error(where, "a map field has no presence in protobuf; make it required (empty means none)");
    return { name: f.name, number, type: this.type(type, where), label };
  }

  private element(t: WireType, where: string): ProtoType {
    if (t.kind === "array" || t.kind === "record") throw this.error(where, "an array of arrays or records has no protobuf form; wrap the element in an object");
    if (t.kind === "union" && t.members.some((m) => m.kind === "null")) throw this.error(where, "an array element cannot be null in protobuf");
    return this.type(t, where);
  }

  private type(t: WireType, where: string): ProtoType {
    switch (t.kind) {
      case "string":
        return { kind: "scalar", proto: "string" };
      case "boolean":
        return { kind: "scalar", proto: "bool" };
      case "number":
        return { kind: "scalar", proto: t.int ?? "double" };
      case "literal":
      case "union":
        return this.literals(t, where);
      case "record": {
        const value = this.element(t.value, where);
        return { kind: "map", value };
      }
      case "object":
        return { kind: "message", name: this.object(t, where) };
      case "ref":
        return { kind: "message", name: this.named(t.name) };
      case "array":
        throw this.error(where, "an array inside an array or a record has no protobuf form; wrap it in an object");
      case "null":
      case "void":
        throw this.error(where, `${t.kind} alone has no protobuf form`);
    }
  }

  private literals(t: WireType, where: string): ProtoType {
    const members = t.kind === "union" ? t.members : [t];
    const values = members.map((m) => (m.kind === "literal" ? m.value : undefined));
    if (values.every((v) => typeof v === "string")) return { kind: "enum", name: this.enumOf(values, where) };
    if (values.every((v) => typeof v === "boolean")) return { kind: "scalar", proto: "bool" };
    if (values.every((v) => typeof v === "number")) return { kind: "scalar", proto: values.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31) ? "int32" : "double" };
    throw this.error(where, "a union other than `T | null` or one of literals has no protobuf form");
  }

  private enumOf(values: string[], where: string): string {
    const key = `enum ${JSON.stringify(values)}`;
    const known = this.byShape.get(key);
    if (known !== undefined) return known;
    const name = this.unique(pathName(where));
    this.byShape.set(key, name);
    this.enums.push({ name, values });
    return name;
  }

  private object(t: ObjectType, where: string): string {
    const key = `object ${JSON.stringify(t)}`;
    const known = this.byShape.get(key);
    if (known !== undefined) return known;
    const name = this.unique(t.name ?? pathName(where));
    this.byShape.set(key, name);
    this.add(name, t.fields);
    return name;
  }

  private named(name: string): string {
    const key = `ref ${name}`;
    if (this.byShape.has(key)) return name;
    this.byShape.set(key, name);
    const target = this.service.named.get(name);
    if (target?.kind !== "object") throw this.error(name, "a recursive type must be an object to be a protobuf message");
    this.add(name, target.fields);
    return name;
  }

  private unique(name: string): string {
    const taken = new Set([...this.messages.map((m) => m.name), ...this.enums.map((e) => e.name), ...this.service.named.keys()]);
    let out = name;
    for (let i = 2; taken.has(out); i++) out = `${name}${i}`;
    return out;
  }

  private error(where: string, reason: string): KitgenError {
    return new KitgenError(`kitgen: grpc: ${where}: ${reason} (or leave grpc out of --transports)`);
  }
}

/** `GetItemResponse.value.location` → `GetItemResponseValueLocation`. */
function pathName(where: string): string {
  return where.split(".").map(pascal).join("");
}
