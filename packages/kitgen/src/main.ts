import { parseArgs } from "./args.ts";
import { KitgenError } from "./diagnostic.ts";
import { generate, type GenerateOptions } from "./generate.ts";
import { kitgenManifest } from "./kit-versions.ts";
import type { Io } from "./io.ts";
import { scaffold } from "./scaffold.ts";
import { usage } from "./usage.ts";
import { watchGen } from "./watch.ts";
import { staleFiles, writeGenerated } from "./write.ts";


/** kitgen's own version, from its package.json. */
export function version(): string {
  return kitgenManifest().version;
}

function genOptions(file: string | undefined, options: ReadonlyMap<string, string>): GenerateOptions {
  if (file === undefined) throw new KitgenError("kitgen: which file? kitgen gen <file.ts> (see kitgen --help)");
  const service = options.get("service");
  const out = options.get("out");
  const transports = options.get("transports");
  return {
    file,
    ...(service === undefined ? {} : { service }),
    ...(out === undefined ? {} : { out }),
    ...(transports === undefined ? {} : { transports: transports.split(",").map((t) => t.trim()).filter((t) => t !== "") }),
  };
}

function run(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv);
  if (args.version) {
    io.out(`${version()}\n`);
    return 0;
  }
  if (args.help || args.command === undefined) {
    io.out(usage);
    return args.help ? 0 : 1;
  }
  const [first] = args.positional;
  switch (args.command) {
    case "gen": {
      if (args.watch) {
        watchGen(genOptions(first, args.options), io); // runs until the process is stopped
        return 0;
      }
      const generated = generate(genOptions(first, args.options));
      for (const name of writeGenerated(generated)) io.out(`wrote ${name}\n`);
      return 0;
    }
    case "check": {
      const stale = staleFiles(generate(genOptions(first, args.options)));
      for (const path of stale) io.err(`stale: ${path}\n`);
      if (stale.length > 0) io.err("kitgen: the generated code is out of date: run kitgen gen\n");
      return stale.length > 0 ? 1 : 0;
    }
    case "new": {
      if (first === undefined) throw new KitgenError("kitgen: which name? kitgen new <name> [--dir path]");
      const dir = scaffold(first, { dir: args.options.get("dir"), kitVersion: args.options.get("kit-version") });
      io.out(`created ${dir}\n`);
      return 0;
    }
    default:
      throw new KitgenError(`kitgen: unknown command ${JSON.stringify(args.command)} (see kitgen --help)`);
  }
}

/**
 * Runs the kitgen command line and returns the exit status: 0 on success, 1 on any problem,
 * reported on `io.err` as one line per problem (never a stack trace for bad input).
 *
 * @param argv - the arguments after `kitgen`
 * @param io - where output goes
 */
export function main(argv: readonly string[], io: Io): number {
  try {
    return run(argv, io);
  } catch (err) {
    if (!(err instanceof KitgenError)) throw err;
    io.err(`${err.message}\n`);
    return 1;
  }
}
