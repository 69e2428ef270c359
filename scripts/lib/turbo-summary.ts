// turbo's own record of a run (`turbo run --summarize` writes it to .turbo/runs/<id>.json): which
// tasks it ran, in which package directory, and the exit code each ended with.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One task of a turbo run, as its summary records it. */
export interface TaskOutcome {
  /** `<package>#<task>`, as turbo prints it. */
  taskId: string;
  /** The package's name. */
  package: string;
  /** The task's name: `test`, `build`. */
  task: string;
  /** The package's directory, relative to the workspace root. */
  directory: string;
  /** The script the task runs; `<NONEXISTENT>` when the package has none by that name. */
  command: string;
  /** How the task's command ended; undefined when it did not run. */
  exitCode: number | undefined;
}

interface SummaryTask {
  taskId?: unknown;
  package?: unknown;
  task?: unknown;
  directory?: unknown;
  command?: unknown;
  execution?: { exitCode?: unknown } | null;
}

/** The run summaries under `root`'s .turbo/runs/, by file path. */
export function runSummaries(root: string): Set<string> {
  const dir = join(root, ".turbo", "runs");
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).filter((name) => name.endsWith(".json")).map((name) => join(dir, name)));
}

/** The tasks of the run summary at `path`; undefined when it cannot be read as one. */
export function readTaskOutcomes(path: string): TaskOutcome[] | undefined {
  let summary: { tasks?: unknown };
  try {
    summary = JSON.parse(readFileSync(path, "utf8")) as { tasks?: unknown };
  } catch {
    return undefined;
  }
  if (!Array.isArray(summary.tasks)) return undefined;
  return (summary.tasks as SummaryTask[]).map((t) => ({
    taskId: String(t.taskId),
    package: String(t.package),
    task: String(t.task),
    directory: String(t.directory),
    command: String(t.command),
    exitCode: typeof t.execution?.exitCode === "number" ? t.execution.exitCode : undefined,
  }));
}
