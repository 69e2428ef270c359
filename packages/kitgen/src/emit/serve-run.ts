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

/** How \`run${base}\` runs the program: the logger, the start function, more flags and defaults. */
export type ${base}RunOptions = RunOptions<${base}ServeOptions>;
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
export function run${base}(options: ${base}RunOptions): Promise<void> {
  return runProgram(options, { options: ${camel(base)}Flags, help });
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
  return `${[head, importFrom("{ runProgram, type RunOptions }", "@kit/transport/program"), importFrom(`type { ${base}ServeOptions }`, `./${file}.serve.ts`)].join("\n")}
${declarations(service, transports)}${runFunction(service)}`;
}
