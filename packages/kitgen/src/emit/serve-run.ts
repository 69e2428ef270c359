import type { Service } from "../model.ts";
import { baseName, camel, kebab } from "../names.ts";
import { importFrom } from "./header.ts";
import { servedTransports } from "./serve.ts";

/** Every flag of the chosen transports, as `[flag, option, help]`. */
function flagsOf(transports: readonly string[]): (readonly [string, string, string])[] {
  return servedTransports(transports).flatMap((t) => [[t.flag, t.id, t.help] as const, ...(t.moreFlags ?? [])]);
}

function declarations(service: Service, transports: readonly string[]): string {
  const base = baseName(service.name);
  const flags = flagsOf(transports);
  return `
/** The flags \`run${base}\` reads (Go kit addsvc's names), each the \`serve${base}\` option it sets. */
export const ${camel(base)}Flags = {
${flags.map(([flag, option]) => `  ${JSON.stringify(flag)}: ${JSON.stringify(option)},`).join("\n")}
} as const satisfies Readonly<Record<string, keyof ${base}ServeOptions>>;

/** What each flag of \`${camel(base)}Flags\` is, for the usage. */
const help: Readonly<Record<string, string>> = {
${flags.map(([flag, , text]) => `  ${JSON.stringify(flag)}: ${JSON.stringify(text)},`).join("\n")}
};

/** How \`run${base}\` runs the program. */
export interface ${base}RunOptions {
  /** Gets the error that ends the program, and the shutdown's lines. */
  readonly logger: ServeLogger;
  /**
   * Starts the program, given the \`serve${base}\` options the flags set and every flag's value
   * (\`flag("zipkin-url")\`); what it passes to \`defer\` is closed on the way out, last first.
   */
  start(options: ${base}ServeOptions, flag: (name: string) => string | undefined, defer: (close: () => Promise<unknown>) => void): Promise<unknown>;
  /** More flags the program reads, and what each is, such as \`{ "zipkin-url": "Zipkin's spans URL" }\`. */
  readonly flags?: Readonly<Record<string, string>>;
  /** A flag's value when neither it nor its environment variable is given, such as \`{ "http-addr": "127.0.0.1:8081" }\`. */
  readonly defaults?: Readonly<Record<string, string>>;
  /** How the program is run, the usage's first words; default \`node <script>\`, relative to the working directory. */
  readonly program?: string;
  /** The arguments; default \`process.argv.slice(2)\`. */
  readonly args?: readonly string[];
  /** The environment; default \`process.env\`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
`;
}

function runFunction(service: Service): string {
  const base = baseName(service.name);
  return `
/**
 * A program's main: reads the flags (each defaulting to its environment variable, \`NATS_URL\` for
 * \`--nats-url\`, unless empty, then to \`defaults\`), starts the program and, on SIGINT or SIGTERM, closes what
 * it deferred, last first, so the process ends once what was in flight is done, with status 0
 * (1 when a close failed).
 * \`--help\` prints the usage; a flag it does not know, or an address (\`--*-addr\`) it cannot read,
 * ends it with status 2, saying why; a start that fails closes what started and ends it with 1.
 *
 * @param options - the logger, the start function, more flags and defaults
 */
export async function run${base}(options: ${base}RunOptions): Promise<void> {
  const flag = readFlags(options);
  if (flag === undefined) return;
  const signalled = new Promise<NodeJS.Signals>((resolve) => process.on("SIGINT", resolve).on("SIGTERM", resolve));
  const stops: (() => Promise<unknown>)[] = [];
  const serveOptions = Object.fromEntries(Object.entries(${camel(base)}Flags).map(([name, option]) => [option, flag(name)])) as ${base}ServeOptions;
  try {
    await options.start(serveOptions, flag, (close) => {
      stops.push(close);
    });
  } catch (err) {
    options.logger.log("exit", err);
    await closeAll(stops).catch(() => undefined);
    process.exitCode = 1;
    return;
  }
  const signal = await signalled;
  options.logger.log("msg", "shutting down", "signal", signal);
  await closeAll(stops).catch((err: unknown) => {
    options.logger.log("msg", "closing failed", "err", err);
    process.exitCode = 1;
  });
  options.logger.log("exit", signal);
}
`;
}

/** The generated \`readFlags\` and \`usage\`: the flags' values (or the usage, or why they are wrong). */
function flagFunctions(service: Service): string {
  const base = baseName(service.name);
  return `
/** Each flag's value, or \`undefined\` after \`--help\` or a bad flag (\`process.exitCode\` set). */
function readFlags(options: ${base}RunOptions): ((name: string) => string | undefined) | undefined {
  const names = [...Object.keys(${camel(base)}Flags), ...Object.keys(options.flags ?? {})];
  const env = options.env ?? process.env;
  try {
    const { values }: { values: Partial<Record<string, string | boolean>> } = parseArgs({
      args: [...(options.args ?? process.argv.slice(2))],
      options: { ...Object.fromEntries(names.map((name) => [name, { type: "string" as const }])), help: { type: "boolean", short: "h" } },
    });
    if (values.help === true) {
      process.stdout.write(usage(options));
      return undefined;
    }
    const fromEnv = (name: string): string | undefined => {
      const value = env[name.toUpperCase().replaceAll("-", "_")];
      return value === "" ? undefined : value; // an empty variable is one not set
    };
    const flag = (name: string): string | undefined => (values[name] as string | undefined) ?? fromEnv(name) ?? options.defaults?.[name];
    for (const name of names.filter((n) => n.endsWith("-addr"))) {
      const addr = flag(name);
      if (addr !== undefined) parseAddr(addr);
    }
    return flag;
  } catch (err) {
    options.logger.log("exit", err);
    process.stderr.write(usage(options));
    process.exitCode = 2;
    return undefined;
  }
}

/** The usage: every flag, its environment variable and default. */
function usage(options: ${base}RunOptions): string {
  const described = { ...help, ...options.flags };
  const width = Math.max(...Object.keys(described).map((name) => name.length));
  const line = ([name, text]: [string, string]): string => {
    const given = options.defaults?.[name];
    return \`  --\${name.padEnd(width)}  \${text} (\${name.toUpperCase().replaceAll("-", "_")}\${given === undefined ? "" : \`, default \${given}\`})\`;
  };
  return \`usage: \${options.program ?? \`node \${relative(process.cwd(), process.argv[1] ?? "main.js")}\`} [--flag value]…; a flag's default is its environment variable's, and only the transports given are served:
\${Object.entries(described).map(line).join("\\n")}
\`;
}
`;
}

/**
 * `<base>.run.ts`: `run<Service>`, a program's main over `serve<Service>`: the transports' flags
 * (Go kit addsvc's names, each defaulting to its environment variable), the usage, and a clean
 * shutdown on SIGINT or SIGTERM.
 */
export function emitServeRun(service: Service, head: string, transports: readonly string[]): string {
  const file = kebab(baseName(service.name));
  const base = baseName(service.name);
  return `${[
    head,
    importFrom("{ relative }", "node:path"),
    importFrom("{ parseArgs }", "node:util"),
    importFrom(`{ closeAll, parseAddr, type ${base}ServeOptions, type ServeLogger }`, `./${file}.serve.ts`),
  ].join("\n")}
${declarations(service, transports)}${runFunction(service)}${flagFunctions(service)}`;
}
