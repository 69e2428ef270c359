/**
 * A program's main for a served service: {@link runProgram} reads Go kit's flags (each
 * defaulting to its environment variable), prints the usage on `--help`, ends with status 2 on
 * a bad flag and 1 on a failed start, and closes what started on SIGINT or SIGTERM. kitgen's
 * generated `run<Service>` calls it with the service's flags. It uses Node's `process`, so it
 * has a subpath of its own.
 *
 * @packageDocumentation
 */
export type { Flag } from "./program/read-flags.ts";
export type { ProgramFlags, RunOptions } from "./program/run-options.ts";
export { runProgram } from "./program/run-program.ts";
