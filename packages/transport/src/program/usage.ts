import { relative } from "node:path";
import type { ProgramFlags, RunOptions } from "./run-options.ts";

/** A flag's environment variable: `NATS_URL` for `nats-url`. */
export function envName(flag: string): string {
  return flag.toUpperCase().replaceAll("-", "_");
}

/** The usage: every flag, its environment variable and default. */
export function usage<Options>(options: RunOptions<Options>, flags: ProgramFlags<Options>): string {
  const described = { ...flags.help, ...options.flags };
  const width = Math.max(...Object.keys(described).map((name) => name.length));
  const line = ([name, text]: [string, string]): string => {
    const given = options.defaults?.[name];
    return `  --${name.padEnd(width)}  ${text} (${envName(name)}${given === undefined ? "" : `, default ${given}`})`;
  };
  const program = options.program ?? `node ${relative(process.cwd(), process.argv[1] ?? "main.js")}`;
  return `usage: ${program} [--flag value]…; a flag's default is its environment variable's, and only the transports given are served:
${Object.entries(described).map(line).join("\n")}
`;
}
