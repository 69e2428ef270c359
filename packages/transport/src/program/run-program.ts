import { closeAll } from "../close-all.ts";
import { readFlags } from "./read-flags.ts";
import type { ProgramFlags, RunOptions } from "./run-options.ts";

/**
 * A program's main, as Go kit's addsvc has it: reads the flags (each defaulting to its
 * environment variable, `NATS_URL` for `--nats-url`, unless empty, then to `options.defaults`),
 * starts the program and, on SIGINT or SIGTERM, closes what it deferred, last first, so the
 * process ends once what was in flight is done, with status 0 (1 when a close failed).
 * `--help` prints the usage; a flag it does not know, or an address (`--*-addr`) it cannot read,
 * ends it with status 2, saying why; a start that fails closes what started and ends it with 1.
 * kitgen's generated `run<Service>` is this with the service's flags.
 *
 * @param options - the logger, the start function, more flags and defaults
 * @param flags - the transports' flags, each with the option it sets and its help
 */
export async function runProgram<Options>(options: RunOptions<Options>, flags: ProgramFlags<Options>): Promise<void> {
  const flag = readFlags(options, flags);
  if (flag === undefined) return;
  const signalled = new Promise<NodeJS.Signals>((resolve) => process.on("SIGINT", resolve).on("SIGTERM", resolve));
  const stops: (() => Promise<unknown>)[] = [];
  const set = Object.fromEntries(Object.entries(flags.options).map(([name, option]) => [option, flag(name)])) as Options;
  try {
    await options.start(set, flag, (close) => {
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
