// Runs the kitgen command line in-process and collects what it prints.
import { main } from "../../src/main.ts";

/** What one run of the command line did. */
export interface Run {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `kitgen ...argv` in this process. */
export function kitgen(...argv: string[]): Run {
  let out = "";
  let err = "";
  const status = main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { status, out, err };
}
