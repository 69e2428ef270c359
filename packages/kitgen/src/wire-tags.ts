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
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The field name a `@resultField` tag gives; a missing or malformed name is a {@link ShapeError}. */
function fieldName(tag: ts.JSDocTag): string {
  const name = tagText(tag);
  if (!identifier.test(name)) throw new ShapeError(tag, `@resultField needs a field name, such as "v", got ${JSON.stringify(name)}`);
  return name;
}

function findTag(node: ts.Node, name: string): ts.JSDocTag | undefined {
  return ts.getJSDocTags(node).find((tag) => tag.tagName.text === name);
}

/**
 * Reads `@jsonCaseInsensitive` and `@resultField` on the interface.
 *
 * @param decl - the service interface
 */
export function serviceWireTags(decl: ts.InterfaceDeclaration): ServiceWireTags {
  const result = findTag(decl, "resultField");
  return { ignoreKeyCase: findTag(decl, "jsonCaseInsensitive") !== undefined, ...(result === undefined ? {} : { resultField: fieldName(result) }) };
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
