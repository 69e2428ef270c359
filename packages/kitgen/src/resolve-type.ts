import ts from "typescript";
import type { Field, WireType } from "./model.ts";
import { aliasTags } from "./alias-tags.ts";
import { isRecursiveOptIn, numberTags, readTags, stringTags, TagError, type Tags } from "./tags.ts";

/** A type kitgen cannot map, with the node to point at. */
export class ShapeError extends Error {
  /** Where the problem is. */
  readonly node: ts.Node;

  /**
   * @param node - where the problem is
   * @param reason - why kitgen cannot map it
   */
  constructor(node: ts.Node, reason: string) {
    super(reason);
    this.node = node;
  }
}

/** Where a type is read: the declaration (for error positions) and the field path (for messages). */
export interface At {
  /** The declaration it comes from. */
  readonly node: ts.Node;
  /** The field path, such as `items[].price`. */
  readonly path: string;
}

/** Types that are objects to TypeScript but not JSON. */
const notJSON = new Set(["Date", "Map", "Set", "WeakMap", "WeakSet", "RegExp", "Promise", "Uint8Array", "ArrayBuffer", "Buffer", "Error", "URL"]);

/**
 * Resolves TypeScript types, through the checker, into kitgen's {@link WireType}s: follows
 * aliases, imports and interfaces, and refuses what has no faithful JSON form.
 */
export class TypeResolver {
  /** Named recursive types, resolved once each. */
  readonly named: Map<string, WireType> = new Map<string, WireType>();
  private readonly checker: ts.TypeChecker;
  private readonly stack: ts.Type[] = [];
  private readonly refs = new Map<ts.Type, string>();

  /** @param checker - the program's type checker */
  constructor(checker: ts.TypeChecker) {
    this.checker = checker;
  }

  /**
   * The wire type of `type`, read at `node` (for error positions) with the tags given there.
   *
   * @param type - the TypeScript type
   * @param at - the declaration it comes from and the field path
   * @param tags - the JSDoc tags of the declaration
   * @param optional - whether the field is optional (its `undefined` is then not part of the type)
   */
  resolve(type: ts.Type, at: At, tags: Tags = {}, optional = false): WireType {
    const { node, path } = at;
    const wire = this.resolveInner(type, at, tags, optional);
    checkTags(wire, tags, node, path);
    return wire;
  }

  private resolveInner(type: ts.Type, at: At, tags: Tags, optional = false): WireType {
    const { node, path } = at;
    let aliasTags: Tags;
    try {
      aliasTags = readTags(type.aliasSymbol?.declarations?.[0]);
    } catch (err) {
      throw new ShapeError(node, `${path}: ${(err as Error).message}`);
    }
    if (Object.keys(aliasTags).length === 0) return this.resolveBare(type, at, tags, optional);
    const merged = { ...aliasTags, ...tags };
    const wire = this.resolveBare(type, at, merged, optional);
    checkTags(wire, aliasTags, node, path);
    return wire;
  }

  private resolveBare(type: ts.Type, at: At, tags: Tags, optional: boolean): WireType {
    const { node, path } = at;
    const f = type.flags;
    const where = path === "" ? "" : `${path}: `;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) throw new ShapeError(node, `${where}any and unknown are not supported: give it a type`);
    if (f & ts.TypeFlags.EnumLike) throw new ShapeError(node, `${where}enums are not supported: use a string-literal union`);
    if (f & ts.TypeFlags.StringLiteral) return { kind: "literal", value: (type as ts.StringLiteralType).value };
    if (f & ts.TypeFlags.NumberLiteral) return { kind: "literal", value: (type as ts.NumberLiteralType).value };
    if (f & ts.TypeFlags.BooleanLiteral) return { kind: "literal", value: this.checker.typeToString(type) === "true" };
    if (f & ts.TypeFlags.String) return withStringTags(tags);
    if (f & ts.TypeFlags.Number) return withNumberTags(tags);
    if (f & ts.TypeFlags.Boolean) return { kind: "boolean" };
    if (f & ts.TypeFlags.Null) return { kind: "null" };
    if (f & ts.TypeFlags.Undefined) throw new ShapeError(node, `${where}undefined has no JSON form: make the field optional or use null`);
    if (f & ts.TypeFlags.Void) throw new ShapeError(node, `${where}void is only a method's result`);
    if (f & ts.TypeFlags.Union) return this.resolveUnion(type as ts.UnionType, at, tags, optional);
    if (f & ts.TypeFlags.Object) return this.resolveObjectLike(type as ts.ObjectType, node, path, tags);
    if (f & ts.TypeFlags.Intersection) return this.resolveObject(type, node, path);
    throw new ShapeError(node, `${where}${this.checker.typeToString(type)} has no JSON form`);
  }

  private resolveUnion(type: ts.UnionType, at: At, tags: Tags, optional: boolean): WireType {
    const types = optional ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : type.types;
    const hasTrue = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === "true");
    const hasFalse = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === "false");
    const members: WireType[] = [];
    if (hasTrue && hasFalse) members.push({ kind: "boolean" });
    for (const t of types) {
      if (hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral) continue;
      members.push(this.resolveInner(t, at, tags));
    }
    return members.length === 1 && members[0] !== undefined ? members[0] : { kind: "union", members };
  }

  private resolveObjectLike(type: ts.ObjectType, node: ts.Node, path: string, tags: Tags): WireType {
    const where = path === "" ? "" : `${path}: `;
    const name = type.getSymbol()?.name;
    if (this.checker.isTupleType(type)) throw new ShapeError(node, `${where}tuples are not supported: use an object or an array`);
    if (this.checker.isArrayType(type)) {
      const element = this.checker.getTypeArguments(type as ts.TypeReference)[0];
      if (element === undefined) throw new ShapeError(node, `${where}an array needs an element type`);
      return { kind: "array", element: this.resolveInner(element, { node, path: `${path}[]` }, tags) };
    }
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
      throw new ShapeError(node, `${where}functions are not supported: a field must be data`);
    }
    if (name !== undefined && notJSON.has(name)) throw new ShapeError(node, `${where}${name} has no JSON form: use a string or a number`);
    return this.resolveObject(type, node, path);
  }

  private resolveObject(type: ts.Type, node: ts.Node, path: string): WireType {
    const where = path === "" ? "" : `${path}: `;
    const known = this.refs.get(type);
    if (known !== undefined) return { kind: "ref", name: known };
    if (this.stack.includes(type)) {
      const decl = type.aliasSymbol?.declarations?.[0] ?? type.getSymbol()?.declarations?.[0];
      const name = type.aliasSymbol?.name ?? type.getSymbol()?.name ?? "type";
      if (!isRecursiveOptIn(decl)) throw new ShapeError(node, `${where}${name} is recursive: mark its declaration with a @recursive JSDoc tag to allow it`);
      this.refs.set(type, name);
      return { kind: "ref", name };
    }
    this.stack.push(type);
    try {
      const wire = this.resolveMembers(type, node, path);
      const name = this.refs.get(type);
      if (name === undefined) return wire;
      this.named.set(name, wire);
      return { kind: "ref", name };
    } finally {
      this.stack.pop();
    }
  }

  private resolveMembers(type: ts.Type, node: ts.Node, path: string): WireType {
    const where = path === "" ? "" : `${path}: `;
    const indexes = this.checker.getIndexInfosOfType(type);
    const properties = this.checker.getPropertiesOfType(type);
    for (const info of indexes) {
      if (!(info.keyType.flags & ts.TypeFlags.String)) {
        throw new ShapeError(info.declaration ?? node, `${where}an index signature needs string keys, not ${this.checker.typeToString(info.keyType)}`);
      }
    }
    const index = indexes[0];
    if (index !== undefined) {
      if (properties.length > 0) throw new ShapeError(index.declaration ?? node, `${where}an object with both properties and an index signature is not supported`);
      return { kind: "record", value: this.resolve(index.type, { node: index.declaration ?? node, path: `${path}[]` }) };
    }
    const fields: Field[] = properties.map((symbol) => this.resolveProperty(symbol, node, path));
    const name = type.aliasSymbol?.name ?? type.getSymbol()?.name;
    return name === undefined || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name) ? { kind: "object", fields } : { kind: "object", fields, name };
  }

  private resolveProperty(symbol: ts.Symbol, node: ts.Node, path: string): Field {
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    const at = decl ?? node;
    const fieldPath = path === "" ? symbol.name : `${path}.${symbol.name}`;
    if (decl !== undefined && ts.isMethodSignature(decl)) throw new ShapeError(decl, `${fieldPath}: methods are not supported: a field must be data`);
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const type = this.checker.getTypeOfSymbol(symbol);
    let tags: Tags;
    try {
      tags = readTags(decl, declaredTags(decl, this.checker));
    } catch (err) {
      if (err instanceof TagError) throw new ShapeError(at, `${fieldPath}: ${err.message}`);
      throw err;
    }
    return { name: symbol.name, optional, type: this.resolve(type, { node: at, path: fieldPath }, tags, optional) };
  }
}

function withStringTags(tags: Tags): WireType {
  return {
    kind: "string",
    ...(tags.minLength === undefined ? {} : { minLength: tags.minLength }),
    ...(tags.maxLength === undefined ? {} : { maxLength: tags.maxLength }),
    ...(tags.pattern === undefined ? {} : { pattern: tags.pattern }),
  };
}

function withNumberTags(tags: Tags): WireType {
  const int = tags.int32 === true ? "int32" : tags.int64 === true ? "int64" : undefined;
  return {
    kind: "number",
    ...(int === undefined ? {} : { int }),
    ...(tags.min === undefined ? {} : { min: tags.min }),
    ...(tags.max === undefined ? {} : { max: tags.max }),
  };
}

/** Refuses narrowing tags on a type they cannot narrow. */
function checkTags(wire: WireType, tags: Tags, node: ts.Node, path: string): void {
  const kinds = baseKinds(wire);
  const where = path === "" ? "" : `${path}: `;
  for (const tag of numberTags) {
    if (tags[tag] !== undefined && !kinds.has("number")) throw new ShapeError(node, `${where}@${tag} applies to numbers`);
  }
  for (const tag of stringTags) {
    if (tags[tag] !== undefined && !kinds.has("string")) throw new ShapeError(node, `${where}@${tag} applies to strings`);
  }
}

function baseKinds(wire: WireType): Set<string> {
  if (wire.kind === "array") return baseKinds(wire.element);
  if (wire.kind === "union") return new Set(wire.members.flatMap((m) => [...baseKinds(m)]));
  return new Set([wire.kind]);
}

/** The alias tags of a declaration's written type (see {@link aliasTags}). */
export function declaredTags(decl: ts.Declaration | undefined, checker: ts.TypeChecker): Tags {
  if (decl === undefined) return {};
  const typeNode = (decl as { type?: ts.TypeNode }).type;
  return typeNode !== undefined && ts.isTypeNode(typeNode) ? aliasTags(typeNode, checker) : {};
}
