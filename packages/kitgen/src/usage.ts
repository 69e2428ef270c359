/** The text of `kitgen --help`. */
export const usage = `kitgen: from a TypeScript service interface to endpoints, validators, transports and typed clients.

Usage:
  kitgen gen <file.ts> [--service Name] [--out dir] [--transports http,grpc,nats,amqp,mqtt,redis,kafka,sqs,memory,jsonrpc] [--watch]
      Writes the generated code (default out: generated/ beside the file; default transports: all),
      with the start-up that serves them: serve<Service> (<base>.serve.ts) and run<Service> (<base>.run.ts);
      with --watch, again whenever a .ts file beside the input changes.
  kitgen check <file.ts> [same options]
      Exits 1 and names the stale files when the generated code is not what gen would write now.
  kitgen new <name> [--dir path]
      Scaffolds a runnable service package: service.ts, generated code, main.ts, a test, README.
  kitgen --help | --version

A service interface is exported, and each method is name(ctx: Context, ...args): Promise<T>;
over gRPC alone, a method may return AsyncIterable<T> or take one AsyncIterable<T> (streaming).
JSDoc tags: @int32 @int64 @min N @max N on numbers, @minLength N @maxLength N @pattern re on
strings, @http METHOD /path/{param} on methods, @recursive on a self-referencing type.
`;
