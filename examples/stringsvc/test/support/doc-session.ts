// Runs a Markdown document's shell sessions as a reader would type them, and checks that each
// command prints what the document shows. Used by the README and tutorial tests.
//
// In the document:
// - a ```sh block holds commands, each on a line starting with `$ `, followed by the lines it
//   prints; a command ending in ` &` runs in the background, as in an interactive shell (its
//   first line of output is `[<job>] <pid>`, and `kill %<job>` stops it);
// - `…` inside a line stands for any text; a line that is only `…` for any number of lines;
// - a ```ts block whose first line is `// <file name>` is a file the reader creates.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** One step of a document: a command and what it prints, or a file to write. */
export type Step =
  | { readonly kind: "command"; readonly command: string; readonly expected: readonly string[]; readonly line: number }
  | { readonly kind: "file"; readonly name: string; readonly content: string; readonly line: number };

/** The steps of `markdown`, in order. */
export function stepsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)/.exec(lines[i] ?? "");
    if (fence === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    const body = lines.slice(start, end);
    if (fence[1] === "sh") steps.push(...commandsOf(body, start + 1));
    const name = /^\/\/ ([\w./-]+\.ts)$/.exec(body[0] ?? "")?.[1];
    if (fence[1] === "ts" && name !== undefined) steps.push({ kind: "file", name, content: `${body.join("\n")}\n`, line: start + 1 });
    i = end;
  }
  return steps;
}

function commandsOf(body: readonly string[], firstLine: number): Step[] {
  const steps: Step[] = [];
  let current: { command: string; expected: string[]; line: number } | undefined;
  body.forEach((text, index) => {
    if (text.startsWith("$ ")) {
      if (current !== undefined) steps.push({ kind: "command", ...current });
      current = { command: text.slice(2), expected: [], line: firstLine + index };
    } else if (current !== undefined) current.expected.push(text);
  });
  if (current !== undefined) steps.push({ kind: "command", ...current });
  return steps;
}

function escape(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `actual` is what `expected` shows, `…` standing for any text or, alone, any lines. */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const pattern = expected
    .map((line) => (line === "…" ? "(?:[^\\n]*\\n)*?" : `${line.split("…").map(escape).join("[^\\n]*")}\\n`))
    .join("");
  return new RegExp(`^${pattern}$`).test(actual.map((line) => `${line}\n`).join(""));
}

/** What a background job printed so far, and how it ended. */
interface Job {
  readonly number: number;
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<void>;
}

/** A shell session: the working directory, environment and background jobs a reader has. */
export class DocSession {
  #cwd: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #jobs: Job[] = [];

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.#cwd = cwd;
    this.#env = env;
  }

  /** Runs one step; throws, naming the document's line, when its output is not what it shows. */
  async run(step: Step, timeoutMs = 60_000): Promise<void> {
    if (step.kind === "file") {
      writeFileSync(join(this.#cwd, step.name), step.content);
      return;
    }
    const job = /^kill %(\d+)$/.exec(step.command);
    if (job !== null) return this.#kill(Number(job[1]));
    if (step.command.endsWith(" &")) return this.#background(step, timeoutMs);
    const output = await this.#foreground(step.command, timeoutMs);
    if (!matches(step.expected, output)) throw mismatch(step, output);
  }

  /** Stops every background job still running. */
  async close(): Promise<void> {
    await Promise.all(this.#jobs.map((job) => this.#kill(job.number)));
  }

  async #foreground(command: string, timeoutMs: number): Promise<string[]> {
    // The trailing pwd, written to a third pipe, carries a `cd` over to the next command, as in one shell.
    const child = spawn("bash", ["-c", `${command}\necho "$PWD" >&3`], { cwd: this.#cwd, env: this.#env, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    const cwd: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => cwd.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await new Promise((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    const dir = Buffer.concat(cwd).toString("utf8").trim();
    if (dir !== "") this.#cwd = dir;
    const text = Buffer.concat(chunks).toString("utf8").replace(/\n$/, "");
    return text === "" ? [] : text.split("\n");
  }

  async #background(step: Extract<Step, { kind: "command" }>, timeoutMs: number): Promise<void> {
    const number = Math.max(0, ...this.#jobs.map((j) => j.number)) + 1;
    const child = spawn("bash", ["-c", `exec ${step.command.slice(0, -2)}`], { cwd: this.#cwd, env: this.#env });
    const output = [`[${String(number)}] ${String(child.pid)}`];
    let partial = "";
    const collect = (chunk: Buffer): void => {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      output.push(...parts);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const exited = new Promise<void>((resolve) => child.on("close", () => { resolve(); }));
    this.#jobs.push({ number, child, output, exited });
    const deadline = Date.now() + timeoutMs;
    const expected = [...step.expected, "…"];
    while (!matches(expected, output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw mismatch(step, output);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #kill(number: number): Promise<void> {
    const index = this.#jobs.findIndex((j) => j.number === number);
    const job = this.#jobs[index];
    if (job === undefined) throw new Error(`kill %${String(number)}: no such job`);
    this.#jobs.splice(index, 1);
    if (job.child.exitCode === null) job.child.kill("SIGTERM");
    const timer = setTimeout(() => job.child.kill("SIGKILL"), 10_000);
    await job.exited;
    clearTimeout(timer);
  }
}

function mismatch(step: Extract<Step, { kind: "command" }>, output: readonly string[]): Error {
  return new Error(
    `line ${String(step.line)}: \`${step.command}\` printed:\n${output.join("\n")}\n--- but the document shows:\n${step.expected.join("\n")}`,
  );
}
