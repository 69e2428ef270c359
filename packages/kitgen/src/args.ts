import { KitgenError } from "./diagnostic.ts";

/** The command line, parsed. */
export interface Args {
  /** `gen`, `check`, `new`, or `undefined` with `--help`/`--version` only. */
  readonly command: string | undefined;
  /** The positional arguments after the command. */
  readonly positional: readonly string[];
  /** `--name value` options, by name. */
  readonly options: ReadonlyMap<string, string>;
  /** `--help` / `-h`. */
  readonly help: boolean;
  /** `--version` / `-v`. */
  readonly version: boolean;
  /** `--watch`, for `gen`. */
  readonly watch: boolean;
}

const withValue = new Set(["service", "out", "transports", "dir", "kit-version"]);

/**
 * Parses `argv` (without `node` and the script): the command, positional arguments, and
 * `--option value` or `--option=value`. An unknown option is a {@link KitgenError}.
 *
 * @param argv - the arguments
 */
export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let help = false;
  let version = false;
  let watch = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--version" || arg === "-v") version = true;
    else if (arg === "--watch") watch = true;
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (!withValue.has(name)) throw new KitgenError(`kitgen: unknown option --${name} (see kitgen --help)`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new KitgenError(`kitgen: --${name} needs a value`);
      options.set(name, value);
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;
  return { command, positional: rest, options, help, version, watch };
}
