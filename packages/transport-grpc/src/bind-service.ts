import type { MethodDefinition, Server, ServiceDefinition, UntypedHandleCall } from "@grpc/grpc-js";
import { kindOf, taggedKind } from "./internal/kind.ts";
import { tolerant } from "./internal/undecodable.ts";

/**
 * Adds a service to the user's grpc-js `Server`, with Kit handlers ({@link server},
 * {@link serverStream}, {@link clientStream}, {@link bidiStream}) for its methods, keyed by
 * the method's name as in the definition (`Sum`) or its original `.proto` spelling. It checks
 * that every handler names a method of the service and was made for that kind of method (a
 * unary handler on a streaming method is a `TypeError` at startup, not a broken call later),
 * and lets Kit handlers answer a request that does not decode with `INVALID_ARGUMENT` (grpc-js
 * alone answers `INTERNAL`). Methods without a handler answer `UNIMPLEMENTED`. Plain grpc-js
 * handlers may be mixed in; they are bound as they are.
 *
 * @param grpcServer - your grpc-js server; its credentials, options and ports stay yours
 * @param definition - the service: from `@grpc/proto-loader` (`pkg["pb.Add"]`), a client
 *   constructor's `.service`, or generated code
 * @param handlers - a handler per method name
 *
 * @example
 * ```ts
 * const pkg = protoLoader.loadSync("addsvc.proto", { longs: Number, defaults: true });
 * const grpcServer = new grpc.Server();
 * bindService(grpcServer, pkg["pb.Add"] as grpc.ServiceDefinition, { Sum: server(sumEndpoint), Concat: server(concatEndpoint) });
 * grpcServer.bindAsync("127.0.0.1:8082", grpc.ServerCredentials.createInsecure(), () => {});
 * ```
 */
export function bindService(grpcServer: Server, definition: ServiceDefinition, handlers: Readonly<Record<string, UntypedHandleCall>>): void {
  const byName = new Map<string, [string, MethodDefinition<unknown, unknown>]>();
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    byName.set(name, [name, method]);
    if (method.originalName !== undefined) byName.set(method.originalName, [name, method]);
  }
  const bound: Record<string, MethodDefinition<unknown, unknown>> = { ...(definition as Record<string, MethodDefinition<unknown, unknown>>) };
  const implementation: Record<string, UntypedHandleCall> = {};
  for (const [key, handler] of Object.entries(handlers)) {
    const found = byName.get(key);
    if (found === undefined) {
      throw new TypeError(`bindService: the service has no method ${key}; it has ${[...new Set([...byName.values()].map(([n]) => n))].join(", ")}`);
    }
    const [name, method] = found;
    const kind = taggedKind(handler);
    if (kind !== undefined) {
      const want = kindOf(method);
      if (kind !== want) throw new TypeError(`bindService: ${method.path} is a ${want} method, but its handler serves ${kind} calls`);
      bound[name] = { ...method, requestDeserialize: tolerant(method.requestDeserialize) };
    }
    implementation[name] = handler;
  }
  grpcServer.addService(bound, implementation);
}
