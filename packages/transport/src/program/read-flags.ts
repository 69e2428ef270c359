import { parseArgs } from "node:util";
import { parseAddr } from "../parse-addr.ts";
import type { ProgramFlags, RunOptions } from "./run-options.ts";
import { envName, usage } from "./usage.ts";

/** A flag's value, by name, or `undefined` when it has none. */
export type Flag = (name: string) => string | undefined;

/**
 * Each flag's value (the flag, else its environment variable unless empty, else its default),
 * or `undefined` after `--help` (the usage on stdout) or a bad flag or address (the error
 * logged, the usage on stderr, `process.exitCode` 2).
 */
export function readFlags<Options>(options: RunOptions<Options>, flags: ProgramFlags<Options>): Flag | undefined {
  const names = [...Object.keys(flags.options), ...Object.keys(options.flags ?? {})];
  const env = options.env ?? process.env;
  try {
    const { values }: { values: Partial<Record<string, string | boolean>> } = parseArgs({
      args: [...(options.args ?? process.argv.slice(2))],
      options: { ...Object.fromEntries(names.map((name) => [name, { type: "string" as const }])), help: { type: "boolean", short: "h" } },
    });
    if (values.help === true) {
      process.stdout.write(usage(options, flags));
      return undefined;
    }
    const fromEnv = (name: string): string | undefined => {
      const value = env[envName(name)];
      return value === "" ? undefined : value; // an empty variable is one not set
    };
    const flag: Flag = (name) => (values[name] as string | undefined) ?? fromEnv(name) ?? options.defaults?.[name];
    for (const name of names.filter((n) => n.endsWith("-addr"))) {
      const addr = flag(name);
      if (addr !== undefined) parseAddr(addr);
    }
    return flag;
  } catch (err) {
    options.logger.log("exit", err);
    process.stderr.write(usage(options, flags));
    process.exitCode = 2;
    return undefined;
  }
}
