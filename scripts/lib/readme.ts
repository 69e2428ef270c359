// Runs a README's TypeScript example from the README's own text, so the example cannot drift
// from what is tested: the fenced ```ts block (or several, joined in order) is written next to
// the package (where its `@kit/*` imports resolve), run with Node, and what it printed is
// compared by the caller with what the example's comments say it prints:
// - the `// …` comment at the end of each line calling `console.log(`;
// - a whole-line comment starting with `// → `, for output written some other way (a logger
//   writing to stdout), in the order of the lines.
// In an expected line, `…` stands for any text (a timestamp, a duration).
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Which blocks of a README make the example. */
export interface ReadmeBlocks {
  /** Start looking for blocks at this text (a heading); from the top when absent. */
  readonly heading?: string;
  /** The fence's language tag; default `ts`. */
  readonly language?: string;
  /** The block, counted from 0 after `heading`; default 0. */
  readonly index?: number;
  /**
   * Several blocks, counted from 0 after `heading`, joined in this order: for a block that
   * continues the one before it. Takes precedence over `index`.
   */
  readonly blocks?: readonly number[];
}

/** How {@link runReadmeExample} and {@link writeReadmeExample} run the example. */
export interface ReadmeExampleOptions extends ReadmeBlocks {
  /** The example's file name (what a stack trace or a logged caller shows); default `example.ts`. */
  readonly file?: string;
  /**
   * Code run after the example, to drive it from the test (wait for a signal, then call on):
   * never a copy of the README's code.
   */
  readonly append?: string;
  /** Extra environment variables for the example. */
  readonly env?: Readonly<Record<string, string>>;
  /** A time limit in milliseconds; default 30 s. */
  readonly timeout?: number;
}

/** What {@link runReadmeExample} found and got. */
export interface ReadmeRun {
  /** The example's code, as the README has it (blocks joined). */
  readonly code: string;
  /** What the example's comments say it prints, in order. */
  readonly expected: readonly string[];
  /**
   * What the example printed, one entry per non-empty line; a line that matches the expected
   * line at its position, where that one elides parts with `…`, is given as the expected line.
   */
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
  if (block === undefined) throw new Error(`${readme}: no ${options.language ?? "ts"} block ${String(options.index ?? 0)}`);
  return block;
}

/**
 * The example's code: one block, or several joined in the order given.
 *
 * @param readme - the README's path
 * @param options - which blocks
 */
export function readmeExample(readme: string, options: ReadmeBlocks = {}): string {
  const indexes = options.blocks ?? [options.index ?? 0];
  return indexes.map((index) => readmeBlock(readme, { ...options, index })).join("");
}

/** An example written to disk by {@link writeReadmeExample}. */
export interface WrittenExample {
  /** The example's code, as the README has it (blocks joined). */
  readonly code: string;
  /** The file to run with Node, in a directory of its own inside the package. */
  readonly file: string;
  /** The package's directory, to run the example from. */
  readonly cwd: string;
  /** Deletes the file and its directory. */
  remove(): void;
}

let written = 0;

/**
 * Writes the example (with `append` after it) into a directory of its own inside the
 * package, where its imports of the package and its dependencies resolve; for a test that
 * runs it itself (to act on it while it runs). {@link runReadmeExample} is the usual way.
 *
 * @param readme - the README's path; the example goes in its directory
 * @param options - which blocks, the file name and the code to append
 */
export function writeReadmeExample(readme: string, options: ReadmeExampleOptions = {}): WrittenExample {
  const code = readmeExample(readme, options);
  const cwd = dirname(readme);
  written += 1;
  const dir = join(cwd, `.readme-example-${String(process.pid)}-${String(written)}`);
  const file = join(dir, options.file ?? "example.ts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, code + (options.append ?? ""));
  return {
    code,
    file,
    cwd,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a README's TypeScript example with Node from the package's directory (next to the
 * README), and returns what it printed next to what its comments say it prints.
 *
 * @param readme - the README's path; the example runs in its directory
 * @param options - which blocks (see {@link ReadmeBlocks}), the file name, environment and a time limit (default 30 s)
 */
export function runReadmeExample(readme: string, options: ReadmeExampleOptions = {}): ReadmeRun {
  const example = writeReadmeExample(readme, options);
  try {
    const run = spawnSync(process.execPath, [example.file], {
      cwd: example.cwd,
      encoding: "utf8",
      timeout: options.timeout ?? 30_000,
      env: { ...process.env, ...options.env },
    });
    return readmeRun(example.code, run.stdout, run.stderr, run.status);
  } finally {
    example.remove();
  }
}

/**
 * {@link runReadmeExample} without blocking the test's event loop: for an example that talks
 * to a server the test itself runs (a DNS server, a NATS service), which must keep answering.
 *
 * @param readme - the README's path; the example runs in its directory
 * @param options - which blocks (see {@link ReadmeBlocks}), the file name, environment and a time limit (default 30 s)
 */
export async function runReadmeExampleAsync(readme: string, options: ReadmeExampleOptions = {}): Promise<ReadmeRun> {
  const example = writeReadmeExample(readme, options);
  try {
    const child = spawn(process.execPath, [example.file], { cwd: example.cwd, env: { ...process.env, ...options.env } });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 30_000);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, "close")) as [number | null];
    clearTimeout(timer);
    return readmeRun(example.code, stdout, stderr, status);
  } finally {
    example.remove();
  }
}

function readmeRun(code: string, stdout: string, stderr: string, status: number | null): ReadmeRun {
  const expected = expectedOutput(code);
  const printed = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line, i) => elided(line, expected[i]));
  return { code, expected, printed, status, stderr };
}

/** The `// …` comments ending the lines that call `console.log`, and the `// → …` lines, in order. */
function expectedOutput(code: string): string[] {
  return code.split("\n").flatMap((line) => {
    const arrow = /^\s*\/\/ → (.*)$/.exec(line);
    if (arrow !== null) return [arrow[1]?.trim() ?? ""];
    if (!line.includes("console.log(")) return [];
    const comment = /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "";
    return comment === "" ? [] : [comment];
  });
}

/** `expected` when it elides parts with `…` and `line` matches it; `line` otherwise. */
function elided(line: string, expected: string | undefined): string {
  if (expected?.includes("…") !== true) return line;
  const pattern = expected
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(line) ? expected : line;
}

/** What {@link typecheckReadmeExample} found. */
export interface ReadmeTypecheck {
  /** The example's code, as the README has it (blocks joined). */
  readonly code: string;
  /** The lines (1-based, in `code`) the compiler reports an error on, each once, in order. */
  readonly errorLines: readonly number[];
  /** The lines whose comment says they do not compile (`// error…`), in order. */
  readonly expectedErrorLines: readonly number[];
  /** The compiler's messages, `line: message`, for failure messages. */
  readonly messages: readonly string[];
}

/**
 * Typechecks a README's TypeScript example with the package's `tsconfig.json`, for a block
 * that shows what does not compile: each line whose comment starts with `// error` must get a
 * compiler error, and no other line.
 *
 * @param readme - the README's path; the example is checked in its directory
 * @param options - which blocks (see {@link ReadmeBlocks})
 */
export async function typecheckReadmeExample(readme: string, options: ReadmeBlocks = {}): Promise<ReadmeTypecheck> {
  const ts = (await import("typescript")).default;
  const example = writeReadmeExample(readme, options);
  try {
    const config = ts.getParsedCommandLineOfConfigFile(join(example.cwd, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    });
    const program = ts.createProgram([example.file], { ...config?.options, noEmit: true, noUnusedLocals: false, skipLibCheck: true });
    const source = program.getSourceFile(example.file);
    const diagnostics = source === undefined ? [] : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const found = diagnostics.map((d) => ({
      line: source === undefined || d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, " "),
    }));
    const lines = example.code.split("\n");
    return {
      code: example.code,
      errorLines: [...new Set(found.map((d) => d.line))].sort((a, b) => a - b),
      expectedErrorLines: lines.flatMap((line, i) => (/\/\/ error\b/.test(line) ? [i + 1] : [])),
      messages: found.map((d) => `${String(d.line)}: ${d.message}`),
    };
  } finally {
    example.remove();
  }
}
