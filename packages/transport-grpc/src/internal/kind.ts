/** The four kinds of gRPC method, by whether requests and responses stream. */
export type MethodKind = "unary" | "server-stream" | "client-stream" | "bidi-stream";

const kindKey = Symbol("@kit/transport-grpc.kind");

/** The kind of a method definition, from its `requestStream` and `responseStream` flags. */
export function kindOf(method: { readonly requestStream: boolean; readonly responseStream: boolean }): MethodKind {
  if (method.requestStream) return method.responseStream ? "bidi-stream" : "client-stream";
  return method.responseStream ? "server-stream" : "unary";
}

/** Marks a handler made by this package with the kind of method it serves. */
export function tagKind<F extends object>(handler: F, kind: MethodKind): F {
  Object.defineProperty(handler, kindKey, { value: kind });
  return handler;
}

/** The kind a handler was made for, or `undefined` for a handler not made by this package. */
export function taggedKind(handler: unknown): MethodKind | undefined {
  if (typeof handler !== "function") return undefined;
  return (handler as unknown as Partial<Record<symbol, MethodKind>>)[kindKey];
}

/** Throws a `TypeError` when a method definition is not of the kind a function calls. */
export function expectKind(method: { readonly path: string; readonly requestStream: boolean; readonly responseStream: boolean }, want: MethodKind, fn: string): void {
  const kind = kindOf(method);
  if (kind !== want) throw new TypeError(`${fn}: ${method.path} is a ${kind} method; ${fn} calls ${want} methods`);
}
