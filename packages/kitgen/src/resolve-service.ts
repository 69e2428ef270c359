import { existsSync } from "node:fs";
import { relative, resolve as resolvePath } from "node:path";
import ts from "typescript";
import { KitgenError, type Diagnostic } from "./diagnostic.ts";
import type { Field, HttpRoute, Method, Service, WireType } from "./model.ts";
import { kebab } from "./names.ts";
import { aliasTags } from "./alias-tags.ts";
import { declaredTags, ShapeError, TypeResolver } from "./resolve-type.ts";
import { readTags, tagText, TagError } from "./tags.ts";
import { resultFieldOf, serviceWireTags, type ServiceWireTags } from "./wire-tags.ts";

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2023.d.ts"], // not the DOM, which the default for the target would load: half the run time
};

/**
 * Reads `file` with the TypeScript checker and resolves its service interface: the one named
 * `serviceName`, or else the only exported interface (preferring names ending in `Service`).
 * Throws {@link KitgenError} with every problem found, each with `file:line:col`.
 *
 * @param file - the `.ts` file that declares the interface
 * @param serviceName - the interface's name, when the file exports several
 */
export function resolveService(file: string, serviceName?: string): Service {
  const absolute = resolvePath(file);
  if (!existsSync(absolute)) throw new KitgenError(`kitgen: no such file: ${file}`);
  const program = ts.createProgram([absolute], compilerOptions);
  const source = program.getSourceFile(absolute);
  if (source === undefined) throw new KitgenError(`kitgen: cannot read ${file} as TypeScript`);
  const decl = findInterface(source, file, serviceName);
  const checker = program.getTypeChecker(); // binds the file, which the JSDoc lookups need
  let wire: ServiceWireTags;
  try {
    wire = serviceWireTags(decl);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    throw new KitgenError("kitgen: cannot map the service", [diagnosticAt(err.node, decl.name.text, err.message)]);
  }
  const resolver = new TypeResolver(checker);
  const diagnostics: Diagnostic[] = [];
  const methods: Method[] = [];
  const seen = new Map<string, string>();
  for (const member of decl.members) {
    const name = member.name !== undefined && ts.isIdentifier(member.name) ? member.name.text : member.name?.getText() ?? "?";
    try {
      methods.push(resolveMethod(member, name, { checker, resolver, seen, resultField: wire.resultField, goJSON: wire.goJSON !== undefined }));
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      diagnostics.push(diagnosticAt(err.node, name, err.message));
    }
  }
  if (diagnostics.length === 0) diagnostics.push(...routeClashes(methods, decl));
  if (diagnostics.length > 0) throw new KitgenError("kitgen: cannot map the service", diagnostics);
  if (methods.length === 0) throw new KitgenError(`kitgen: ${file}: ${decl.name.text} has no methods`);
  const { protoPackage, protoService, errorField, goJSON, jsonErrorField } = wire;
  const proto = { ...(protoPackage === undefined ? {} : { protoPackage }), ...(protoService === undefined ? {} : { protoService }), ...(errorField === undefined ? {} : { errorField }) };
  if (jsonErrorField === "code" || jsonErrorField === "message") {
    throw new KitgenError(`kitgen: ${file}: ${decl.name.text}: @jsonErrorField ${jsonErrorField} would clash with Kit's own ${jsonErrorField}; name another field, such as "error"`);
  }
  const go = { ...(goJSON === undefined ? {} : { goJSON }), ...(jsonErrorField === undefined ? {} : { jsonErrorField }) };
  return { name: decl.name.text, methods, named: resolver.named, ...(wire.ignoreKeyCase ? { ignoreKeyCase: true as const } : {}), ...proto, ...go };
}

function findInterface(source: ts.SourceFile, file: string, serviceName: string | undefined): ts.InterfaceDeclaration {
  const exported = source.statements.filter(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && (s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false),
  );
  if (serviceName !== undefined) {
    const found = exported.find((s) => s.name.text === serviceName);
    if (found === undefined) throw new KitgenError(`kitgen: ${file} exports no interface named ${serviceName}`);
    return found;
  }
  const services = exported.filter((s) => s.name.text.endsWith("Service"));
  const candidates = services.length > 0 ? services : exported;
  const only = candidates[0];
  if (only === undefined) throw new KitgenError(`kitgen: ${file} exports no interface`);
  if (candidates.length > 1) {
    throw new KitgenError(`kitgen: ${file} exports several interfaces (${candidates.map((c) => c.name.text).join(", ")}): pass --service Name`);
  }
  return only;
}

/** What resolving one method needs besides the member. */
interface MethodContext {
  readonly checker: ts.TypeChecker;
  readonly resolver: TypeResolver;
  /** Kebab-cased names seen so far → the method's name. */
  readonly seen: Map<string, string>;
  /** The interface's `@resultField`, if any. */
  readonly resultField: string | undefined;
  /** Whether the interface has `@goJSON`: a unary method's arguments must be strings, numbers or booleans. */
  readonly goJSON: boolean;
}

function resolveMethod(member: ts.TypeElement, name: string, { checker, resolver, seen, resultField, goJSON }: MethodContext): Method {
  if (!ts.isMethodSignature(member)) throw new ShapeError(member, "not a method: write it as name(ctx: Context, ...): Promise<T>");
  const clash = seen.get(kebab(name));
  if (clash === name) throw new ShapeError(member, "overloads are not supported: give each signature its own name");
  if (clash !== undefined) throw new ShapeError(member, `its name clashes with ${clash} after kebab-casing (${kebab(name)})`);
  seen.set(kebab(name), name);
  if (member.questionToken !== undefined) throw new ShapeError(member, "optional methods are not supported");
  const [first, ...rest] = member.parameters;
  if (first === undefined || !isContext(first, checker)) throw new ShapeError(first ?? member, "the first parameter must be ctx: Context");
  const streamed = rest.filter((p) => isAsyncIterable(checker.getTypeAtLocation(p)));
  const param = streamed[0];
  if (param !== undefined && rest.length > 1) throw new ShapeError(param, "a streamed argument (AsyncIterable) must be the only argument after ctx");
  const args = param === undefined ? rest.map((p) => resolveArg(p, checker, resolver)) : [resolveStreamedArg(param, checker, resolver)];
  const { result, streams } = resolveResult(member, checker, resolver);
  const stream = param === undefined ? (streams ? "server" : undefined) : streams ? "bidi" : "client";
  if (goJSON && param === undefined) checkGoFields(rest, args);
  const field = resultFieldOf(member, result, resultField);
  return {
    name,
    args,
    result,
    http: routeOf(member, name, stream === undefined ? args : []),
    ...(stream === undefined ? {} : { stream }),
    ...(field === undefined ? {} : { resultField: field }),
  };
}

/** Under `@goJSON`, each argument of a unary method is a Go scalar: a string, a number or a boolean. */
function checkGoFields(params: readonly ts.ParameterDeclaration[], args: readonly Field[]): void {
  params.forEach((param, i) => {
    const kind = args[i]?.type.kind;
    if (kind !== "string" && kind !== "number" && kind !== "boolean") {
      throw new ShapeError(param, `@goJSON takes arguments that are strings, numbers or booleans; ${param.name.getText()} is not`);
    }
  });
}

/** The element type of an `AsyncIterable<T>`. */
function elementOf(type: ts.Type, checker: ts.TypeChecker): ts.Type | undefined {
  return checker.getTypeArguments(type as ts.TypeReference)[0];
}

/** A client-streaming method's one argument: its type is the stream's element type. */
function resolveStreamedArg(param: ts.ParameterDeclaration, checker: ts.TypeChecker, resolver: TypeResolver): Field {
  if (!ts.isIdentifier(param.name) || param.questionToken !== undefined) throw new ShapeError(param, "a streamed argument must be a required, named parameter");
  const element = elementOf(checker.getTypeAtLocation(param), checker);
  if (element === undefined) throw new ShapeError(param, "a streamed argument must be AsyncIterable<T>");
  const name = param.name.text;
  return { name, optional: false, type: resolver.resolve(element, { node: param, path: name }, {}, false) };
}

function isContext(param: ts.ParameterDeclaration, checker: ts.TypeChecker): boolean {
  const type = checker.getTypeAtLocation(param);
  const names = [type.aliasSymbol?.name, type.getSymbol()?.name, param.type?.getText()];
  return names.some((n) => n === "Context" || (n?.endsWith(".Context") ?? false));
}

function resolveArg(param: ts.ParameterDeclaration, checker: ts.TypeChecker, resolver: TypeResolver): Field {
  if (!ts.isIdentifier(param.name)) throw new ShapeError(param, "destructured parameters are not supported: name it");
  if (param.dotDotDotToken !== undefined) throw new ShapeError(param, "rest parameters are not supported");
  const name = param.name.text;
  const optional = param.questionToken !== undefined || param.initializer !== undefined;
  const type = checker.getTypeAtLocation(param);
  let tags;
  try {
    tags = readTags(param, declaredTags(param, checker));
  } catch (err) {
    if (err instanceof TagError) throw new ShapeError(param, `${name}: ${err.message}`);
    throw err;
  }
  return { name, optional, type: resolver.resolve(type, { node: param, path: name }, tags, optional) };
}

/** The result's type (a stream's element type), and whether the method streams its result. */
function resolveResult(member: ts.MethodSignature, checker: ts.TypeChecker, resolver: TypeResolver): { result: WireType; streams: boolean } {
  const signature = checker.getSignatureFromDeclaration(member);
  const returned = signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
  const at = member.type ?? member;
  const streams = returned !== undefined && isAsyncIterable(returned);
  if (!streams && returned?.getSymbol()?.name !== "Promise") throw new ShapeError(at, "the result must be a Promise<T>");
  const inner = elementOf(returned, checker);
  if (inner === undefined) throw new ShapeError(at, "the result must be a Promise<T>");
  if (inner.flags & ts.TypeFlags.Void) {
    if (streams) throw new ShapeError(at, "a stream of void has no elements to send");
    return { result: { kind: "void" }, streams };
  }
  const written = member.type !== undefined && ts.isTypeReferenceNode(member.type) ? member.type.typeArguments?.[0] : undefined;
  return { result: resolver.resolve(inner, { node: at, path: "result" }, readTags(member, written === undefined ? {} : aliasTags(written, checker))), streams };
}

function isAsyncIterable(type: ts.Type): boolean {
  const name = type.getSymbol()?.name ?? type.aliasSymbol?.name;
  return name === "AsyncIterable" || name === "AsyncIterableIterator" || name === "AsyncGenerator";
}

const httpMethods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "ANY"]);

function routeOf(member: ts.MethodSignature, name: string, args: readonly Field[]): HttpRoute {
  const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "http");
  if (tag === undefined) return { method: "POST", path: `/${kebab(name)}` };
  const [verb = "", path = "", ...extra] = tagText(tag).split(/\s+/);
  if (!httpMethods.has(verb.toUpperCase()) || !path.startsWith("/") || extra.length > 0) {
    throw new ShapeError(tag, `@http needs "METHOD /path" (GET, POST, PUT, PATCH, DELETE or ANY), such as "GET /items/{sku}", got ${JSON.stringify(tagText(tag))}`);
  }
  const method = verb.toUpperCase();
  const split = path.split("/").find((segment) => /[{}]/.test(segment) && !/^\{[A-Za-z_]\w*\}$/.test(segment));
  if (split !== undefined) throw new ShapeError(tag, `@http path parameter ${JSON.stringify(split)} must be a whole segment, such as "/items/{sku}"`);
  const params = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? "");
  for (const param of params) {
    const arg = args.find((a) => a.name === param);
    if (arg === undefined) throw new ShapeError(tag, `@http path parameter {${param}} is not an argument of ${name}`);
    if (arg.optional || !isScalar(arg.type)) throw new ShapeError(tag, `@http path parameter {${param}} must be a required string, number or boolean`);
  }
  if (method === "GET" || method === "DELETE") {
    for (const arg of args) {
      if (!params.includes(arg.name) && !isScalar(arg.type)) {
        throw new ShapeError(tag, `@http ${method}: ${arg.name} would be a query parameter, so it must be a string, number or boolean`);
      }
    }
  }
  return { method, path };
}

/** Whether a type fits in a path segment or a query parameter. */
export function isScalar(type: WireType): boolean {
  if (type.kind === "union") return type.members.every((m) => m.kind === "literal");
  return type.kind === "string" || type.kind === "number" || type.kind === "boolean" || type.kind === "literal";
}

function routeClashes(methods: readonly Method[], decl: ts.InterfaceDeclaration): Diagnostic[] {
  const seen: (readonly [string, string, string])[] = [];
  const out: Diagnostic[] = [];
  for (const m of methods) {
    const path = m.http.path.replace(/\{[^}]*\}/g, "{}");
    // ANY takes every method, so it clashes with any route on its path
    const other = seen.find(([method, p]) => p === path && (method === m.http.method || method === "ANY" || m.http.method === "ANY"))?.[2];
    if (other !== undefined) {
      const member = decl.members.find((x) => x.name?.getText() === m.name) ?? decl;
      out.push(diagnosticAt(member, m.name, `its route ${m.http.method} ${m.http.path} clashes with ${other}'s`));
    }
    seen.push([m.http.method, path, m.name]);
  }
  return out;
}

function diagnosticAt(node: ts.Node, method: string, reason: string): Diagnostic {
  const source = node.getSourceFile();
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
  const near = relative(process.cwd(), source.fileName);
  return { file: near === "" || near.startsWith("..") ? source.fileName : near, line: line + 1, column: character + 1, method, reason };
}
