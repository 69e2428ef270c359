import { importFrom } from "./emit/header.ts";
import { pascal } from "./names.ts";

/** The names a scaffolded package is made of, from its kebab-case name. */
export interface ScaffoldNames {
  /** The package's name: `greeter`. */
  readonly name: string;
  /** The interface: `GreeterService`. */
  readonly service: string;
  /** The implementation class: `Greeter`. */
  readonly impl: string;
  /** The generated files' prefix and the client's stem: `greeter`. */
  readonly file: string;
  /** The client function: `greeterClient`. */
  readonly client: string;
}

/** The names for a package called `name` (kebab-case). */
export function scaffoldNames(name: string): ScaffoldNames {
  const impl = name.split("-").map(pascal).join("");
  return { name, service: `${impl}Service`, impl, file: name, client: `${impl.charAt(0).toLowerCase()}${impl.slice(1)}Client` };
}

/** `src/service.ts`: the interface and a stub implementation. */
export function serviceFile(n: ScaffoldNames): string {
  return `// The ${n.name} service: its interface (what kitgen reads) and its implementation.
// Change the interface, then run \`pnpm gen\` to regenerate src/generated/.
${importFrom("{ Code, KitError, type Context }", "@kit/endpoint")}

/** What greet answers. */
export interface Greeting {
  readonly message: string;
  /** How many greetings this instance has given. @int32 @min 1 */
  readonly count: number;
}

/** The ${n.name} service. */
export interface ${n.service} {
  /** Greets someone by name. */
  greet(ctx: Context, /** @minLength 1 @maxLength 64 */ name: string): Promise<Greeting>;
  /** An event: someone left. It has no reply. */
  farewell(ctx: Context, name: string): Promise<void>;
}

/** The implementation: plain code that knows nothing of transports. */
export class ${n.impl} implements ${n.service} {
  private count = 0;
  readonly left: string[] = [];

  greet(_ctx: Context, name: string): Promise<Greeting> {
    if (name === "nobody") return Promise.reject(new KitError(Code.NotFound, "nobody is not here"));
    this.count += 1;
    return Promise.resolve({ message: \`hello, \${name}\`, count: this.count });
  }

  farewell(_ctx: Context, name: string): Promise<void> {
    this.left.push(name);
    return Promise.resolve();
  }
}
`;
}

/** `src/main.ts`: kitgen's `run<Service>` and `serve<Service>`: HTTP, and NATS when given. */
export function mainFile(n: ScaffoldNames): string {
  return `// Serves the ${n.name} service over HTTP (--http-addr or HTTP_ADDR; default 127.0.0.1, port PORT or 8080)
// and, given --nats-url or NATS_URL, over NATS, on kitgen's generated start-up (\`node dist/main.js --help\`).
${importFrom("{ logfmtLogger }", "@kit/log")}
${importFrom("{ memory }", "@kit/metrics")}
${importFrom("{ makeEndpoints }", `./generated/${n.file}.endpoints.ts`)}
${importFrom("{ withMiddleware }", `./generated/${n.file}.middleware.ts`)}
${importFrom(`{ run${n.impl} }`, `./generated/${n.file}.run.ts`)}
${importFrom(`{ serve${n.impl} }`, `./generated/${n.file}.serve.ts`)}
${importFrom(`{ ${n.impl} }`, "./service.ts")}

const logger = logfmtLogger(process.stdout);
const metrics = memory(); // swap for @kit/metrics-prometheus to expose them
const endpoints = withMiddleware(makeEndpoints(new ${n.impl}()), { logger, metrics });

await run${n.impl}({
  logger,
  defaults: { "http-addr": \`127.0.0.1:\${process.env.PORT ?? "8080"}\` },
  async start(options, _flag, defer) {
    const served = await serve${n.impl}(endpoints, { ...options, logger }); // each transport given, ready
    defer(() => served.close()); // on SIGINT or SIGTERM, after the calls in flight
  },
});
`;
}

/** `test/service.test.ts`: the service over the in-memory transport, with Node's test runner. */
export function testFile(n: ScaffoldNames): string {
  return `// The ${n.name} service end to end on the in-memory transport: no broker, no network.
${importFrom("assert", "node:assert/strict")}
${importFrom("{ test }", "node:test")}
${importFrom("{ background, isKitError, withTimeout }", "@kit/endpoint")}
${importFrom("{ MemoryBroker }", "@kit/transport-memory")}
${importFrom(`{ ${n.client}, makeEndpoints }`, `../src/generated/${n.file}.endpoints.ts`)}
${importFrom("{ memorySubscribers, memoryTransport }", `../src/generated/${n.file}.memory.ts`)}
${importFrom(`{ ${n.impl} }`, "../src/service.ts")}

test("greet answers, and bad input is invalid_argument naming the field", async () => {
  const broker = new MemoryBroker();
  const impl = new ${n.impl}();
  const seen: string[] = []; // what the subscribers' error handler saw (Kit logs it to stderr without one)
  const subscribers = memorySubscribers(broker, makeEndpoints(impl), { subscriber: { errorHandler: { handle: (_ctx, err) => void seen.push(err.code) } } });
  const client = ${n.client}(memoryTransport(broker));
  const [ctx, cancel] = withTimeout(background(), 5_000);
  try {
    assert.deepEqual(await client.greet(ctx, "kit"), { message: "hello, kit", count: 1 });
    await assert.rejects(client.greet(ctx, ""), (err) => isKitError(err) && err.code === "invalid_argument" && err.message === "name: expected at least 1 characters");
    await assert.rejects(client.greet(ctx, "nobody"), (err) => isKitError(err) && err.code === "not_found");
    await client.farewell(ctx, "kit");
    await broker.idle("${n.file}.farewell");
    assert.deepEqual(impl.left, ["kit"]);
    assert.deepEqual(seen, ["invalid_argument", "not_found"]);
  } finally {
    cancel();
    await subscribers.close();
  }
});
`;
}

/** The transports a scaffolded package serves and depends on. */
export const scaffoldTransports: readonly string[] = ["http", "nats", "memory"];

/** The version of `@grpc/grpc-js` a package with generated gRPC code depends on. */
const grpcJsVersion = "^1.14.3";

/**
 * The packages the generated files need beyond the scaffold's own: `@kit/transport-grpc` (and
 * grpc-js, whose types the `.grpc.ts` names) whenever a `.pb.ts` is among them, for the wire
 * format it imports from `@kit/transport-grpc/protobuf`.
 */
function generatedDependencies(generatedFiles: readonly string[], kit: (pkg: string) => string): Record<string, string> {
  if (!generatedFiles.some((name) => name.endsWith(".pb.ts"))) return {};
  return { "@grpc/grpc-js": grpcJsVersion, "@kit/transport-grpc": kit("transport-grpc") };
}

/** The nats-core the scaffold makes `@nats-io/services` use: the released one, as `@nats-io/transport-node` brings. */
const natsCoreRange = "^3.4.0";

/**
 * `package.json`, with only the packages the code imports.
 *
 * @param n - the package's names
 * @param kit - the version (or link) of a `@kit/*` package, from its name without `@kit/`
 * @param kitgenVersion - the version of `@kit/kitgen`
 * @param generatedFiles - the names of the files `kitgen gen` wrote into `src/generated/`
 */
export function packageFile(n: ScaffoldNames, kit: (pkg: string) => string, kitgenVersion: string, generatedFiles: readonly string[]): string {
  const dependencies: Record<string, string> = {
    "@kit/endpoint": kit("endpoint"),
    "@kit/log": kit("log"),
    "@kit/metrics": kit("metrics"),
    "@kit/transport": kit("transport"),
    "@kit/transport-http": kit("transport-http"),
    "@kit/transport-memory": kit("transport-memory"),
    "@kit/transport-nats": kit("transport-nats"),
    "@nats-io/services": "^3.0.0-25",
    "@nats-io/transport-node": "^3.4.0",
    ...generatedDependencies(generatedFiles, kit),
  };
  const manifest = {
    name: n.name,
    version: "0.0.0",
    private: true,
    type: "module",
    engines: { node: ">=22.18" },
    scripts: {
      gen: `kitgen gen src/service.ts --transports ${scaffoldTransports.join(",")}`,
      check: `kitgen check src/service.ts --transports ${scaffoldTransports.join(",")}`,
      build: "tsc -p tsconfig.json",
      test: "node --test test/service.test.ts",
      start: "node dist/main.js",
    },
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    devDependencies: { "@kit/kitgen": kitgenVersion, "@types/node": "^24.19.2", typescript: "~6.0.3" },
    // @nats-io/services pins a prerelease of nats-core, whose connection type the released one no
    // longer fits: every package manager is told to give it the released one, each in its own
    // field (npm `overrides`, pnpm `pnpm.overrides`, yarn 1 and 2+ `resolutions`). pnpm reads
    // `resolutions` too and cannot parse yarn's "parent/child" keys (ERR_PNPM_INVALID_SELECTOR),
    // so yarn's pin is for every nats-core, the range the other nats packages ask for anyway.
    overrides: { "@nats-io/services": { "@nats-io/nats-core": natsCoreRange } },
    pnpm: { overrides: { "@nats-io/services>@nats-io/nats-core": natsCoreRange } },
    resolutions: { "@nats-io/nats-core": natsCoreRange },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `tsconfig.json`: strict, Node's module rules, `.ts` imports rewritten on build. */
export function tsconfigFile(): string {
  return `${JSON.stringify(
  {
    compilerOptions: {
      target: "es2023",
      lib: ["es2023"],
      types: ["node"],
      module: "nodenext",
      moduleResolution: "nodenext",
      rewriteRelativeImportExtensions: true,
      erasableSyntaxOnly: true,
      verbatimModuleSyntax: true,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      rootDir: "src",
      outDir: "dist",
    },
    include: ["src"],
  },
  null,
  2,
)}\n`;
}

/** `README.md` of the scaffolded package. */
export function readmeFile(n: ScaffoldNames): string {
  return `# ${n.name}

A Kit service scaffolded by \`kitgen new\`. You write \`src/service.ts\` (the interface and its
implementation); \`kitgen\` writes \`src/generated/\` (endpoints, validators, HTTP, NATS and
in-memory transports, logging and metrics middleware, a typed client, and the start-up that
\`src/main.ts\` runs: its flags, each transport started and closed on SIGINT or SIGTERM).

\`\`\`sh
pnpm install
pnpm gen        # after changing the interface
pnpm build && pnpm test
PORT=8080 NATS_URL=127.0.0.1:4222 pnpm start   # or: pnpm start --http-addr :8080 --nats-url 127.0.0.1:4222
curl -H 'content-type: application/json' -d '{"name":"kit"}' http://127.0.0.1:8080/greet
\`\`\`

Call it from TypeScript with the generated client, which implements \`${n.service}\`:

\`\`\`ts
const svc: ${n.service} = ${n.client}(httpTransport("http://127.0.0.1:8080"));
await svc.greet(ctx, "kit"); // { message: "hello, kit", count: 1 }
\`\`\`
`;
}
