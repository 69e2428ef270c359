// Runs a README's TypeScript example from the README's own text, so the example cannot drift
// from what is tested: the fenced ```ts block is written next to the package (where its
// `@kit/*` imports resolve), run with Node, and what it printed is compared by the caller with
// the `// …` comment at the end of each `console.log` line of the block.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What {@link runReadmeExample} found and got. */
export interface ReadmeRun {
  /** The example's code, as the README has it. */
  readonly code: string;
  /** What each `console.log(…); // expected` line says it prints, in order. */
  readonly expected: readonly string[];
  /** What the example printed, one entry per line. */
  readonly printed: readonly string[];
  /** Its exit status and standard error, for failure messages. */
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * The text of the `index`-th fenced block of `language` in `readme` (after `heading`, when given).
 *
 * @param readme - the README's path
 * @param options - the heading to start from, the language tag and which block
 */
export function readmeBlock(readme: string, options: { heading?: string; language?: string; index?: number } = {}): string {
  const text = readFileSync(readme, "utf8");
  const from = options.heading === undefined ? 0 : text.indexOf(options.heading);
  if (from < 0) throw new Error(`${readme}: no heading ${options.heading ?? ""}`);
  const fence = new RegExp("^```" + (options.language ?? "ts") + "\\n([\\s\\S]*?)^```", "gm");
  const blocks = [...text.slice(from).matchAll(fence)].map((match) => match[1] ?? "");
  const block = blocks[options.index ?? 0];
  if (block === undefined) throw new Error(`${readme}: no ${options.language ?? "ts"} block ${options.index ?? 0}`);
  return block;
}

/**
 * Runs a README's TypeScript example with Node from the package's directory (next to the
 * README), and returns what it printed next to what its comments say it prints.
 *
 * @param readme - the README's path; the example runs in its directory
 * @param options - which block (see {@link readmeBlock}) and a time limit (default 30 s)
 */
export function runReadmeExample(readme: string, options: { heading?: string; index?: number; timeout?: number } = {}): ReadmeRun {
  const code = readmeBlock(readme, options);
  const file = join(dirname(readme), `.readme-example-${process.pid}.ts`);
  writeFileSync(file, code);
  try {
    const run = spawnSync(process.execPath, [file], { cwd: dirname(readme), encoding: "utf8", timeout: options.timeout ?? 30_000 });
    const printed = run.stdout.split("\n").filter((line) => line !== "");
    return { code, expected: expectedOutput(code), printed, status: run.status, stderr: run.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The `// …` comments that end the lines calling `console.log`, in order. */
function expectedOutput(code: string): string[] {
  return code
    .split("\n")
    .filter((line) => line.includes("console.log("))
    .map((line) => /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "")
    .filter((comment) => comment !== "");
}
