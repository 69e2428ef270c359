import ts from "typescript";
import type { WireType } from "./model.ts";
import { ShapeError } from "./resolve-type.ts";
import { tagText } from "./tags.ts";

/** The wire tags written on the service interface itself, which hold for every method. */
export interface ServiceWireTags {
  /** `@jsonCaseInsensitive`: JSON keys match fields whatever their case. */
  readonly ignoreKeyCase: boolean;
  /** `@resultField name`: the field holding every result that is not an object. */
  readonly resultField?: string;
  /** `@protoPackage name`: the protobuf package, in place of the one kitgen derives. */
  readonly protoPackage?: string;
  /** `@protoService Name`: the protobuf service name, in place of the interface's. */
  readonly protoService?: string;
  /** `@errorField name`: the string field of a unary gRPC reply that carries a `KitError`'s message. */
  readonly errorField?: string;
  /** `@jsonErrorField name`: a JSON error body carries the message under `name` too. */
  readonly jsonErrorField?: string;
  /** `@goJSON package`: requests decode as Go's `encoding/json` fills a struct of that package. */
  readonly goJSON?: string;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

const protoPackageName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The name a tag gives, if it matches `pattern`; a missing or malformed name is a {@link ShapeError}. */
function tagName(tag: ts.JSDocTag, pattern: RegExp, example: string): string {
  const name = tagText(tag);
  const what = pattern === identifier ? (tag.tagName.text === "protoService" ? "service name" : "field name") : "package name";
  if (!pattern.test(name)) throw new ShapeError(tag, `@${tag.tagName.text} needs a ${what}, such as ${JSON.stringify(example)}, got ${JSON.stringify(name)}`);
  return name;
}

/** The field name a `@resultField` tag gives; a missing or malformed name is a {@link ShapeError}. */
function fieldName(tag: ts.JSDocTag): string {
  return tagName(tag, identifier, "v");
}

/** The value of an optional interface tag, named by `pattern`, as the property of the tag's name (or nothing). */
function named<K extends string>(decl: ts.InterfaceDeclaration, tag: K, pattern: RegExp, example: string): Partial<Record<K, string>> {
  const found = findTag(decl, tag);
  return found === undefined ? {} : ({ [tag]: tagName(found, pattern, example) } as Partial<Record<K, string>>);
}

function findTag(node: ts.Node, name: string): ts.JSDocTag | undefined {
  return ts.getJSDocTags(node).find((tag) => tag.tagName.text === name);
}

/**
 * Reads `@jsonCaseInsensitive`, `@resultField`, `@protoPackage`, `@protoService` and
 * `@errorField`, `@jsonErrorField` and `@goJSON` on the interface (`@goJSON` implies `@jsonCaseInsensitive`).
 *
 * @param decl - the service interface
 */
export function serviceWireTags(decl: ts.InterfaceDeclaration): ServiceWireTags {
  return {
    ignoreKeyCase: findTag(decl, "jsonCaseInsensitive") !== undefined || findTag(decl, "goJSON") !== undefined,
    ...named(decl, "resultField", identifier, "v"),
    ...named(decl, "protoPackage", protoPackageName, "pb"),
    ...named(decl, "protoService", identifier, "Add"),
    ...named(decl, "errorField", identifier, "err"),
    ...named(decl, "jsonErrorField", identifier, "error"),
    ...named(decl, "goJSON", protoPackageName, "addendpoint"),
  };
}

/**
 * The field that holds a method's result on the wire: its own `@resultField`, else the
 * interface's, and only for a result that is not an object or `void` (which need no field).
 * A method's own tag on an object or `void` result is an error: it would do nothing.
 *
 * @param member - the method
 * @param result - its resolved result (a stream's element type)
 * @param inherited - the interface's `@resultField`
 */
export function resultFieldOf(member: ts.TypeElement, result: WireType, inherited: string | undefined): string | undefined {
  const tag = findTag(member, "resultField");
  const wraps = result.kind !== "object" && result.kind !== "void";
  if (tag !== undefined && !wraps) throw new ShapeError(tag, `@resultField holds a result that is not an object; this one is ${result.kind === "void" ? "void" : "an object"}`);
  if (!wraps) return undefined;
  return tag === undefined ? inherited : fieldName(tag);
}
