// `pnpm test`: every package's tests through turbo (brokers they need are started first),
// then the repository's own script tests, then one closing line summed over all test files:
// `N passed, N failed` (`, N skipped` when any were). Packages are tested one at a time: each
// vitest run already uses every core, and tests that measure deadlines need a machine that is
// not also running five other suites. The line never says `0 failed` about a run that failed:
// a report missing or unreadable, a test task that failed while its report counts no failed
// test (turbo's run summary says how each task ended), or turbo failing with no report counting
// a failure is each a failure, named on a line of its own.
//
//   pnpm test                         everything
//   pnpm test --filter @kit/log...    what turbo selects; extra arguments go to `turbo run test`
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./lib/run.ts";
import { closingTally, type SuiteRun } from "./lib/run-tally.ts";
import { readReport, releaseSummaryFile, summaryLine, type Tally } from "./lib/test-report.ts";
import { readTaskOutcomes, runSummaries, type TaskOutcome } from "./lib/turbo-summary.ts";
import { workspacePackages, type WorkspacePackage } from "./lib/workspace.ts";

const repoRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const report = ".vitest-report.json";

/** The outcome of a test run. */
export interface TestRun {
  tally: Tally;
  /** One line for each failure counted that no report counted: a missing report, a run that failed without saying so. */
  problems: string[];
  ok: boolean;
}

/** Runs `turbo run test …turboArgs`; resolves with its exit code and the tasks its run summary records (undefined when it wrote none). */
async function turboTest(root: string, turboArgs: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number; tasks: TaskOutcome[] | undefined }> {
  const before = runSummaries(root);
  const args = ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", "--output-logs=full", "--summarize", ...turboArgs];
  const exitCode = await run("pnpm", args, root, env);
  const written = [...runSummaries(root)].filter((path) => !before.has(path));
  const tasks = written.length === 1 && written[0] !== undefined ? readTaskOutcomes(written[0]) : undefined;
  for (const path of written) rmSync(path, { force: true });
  return { exitCode, tasks };
}

/**
 * The package test runs the closing line accounts for: on a whole run, every package with
 * tests; on a filtered one, those turbo ran a test task in (or, without its summary, those that
 * left a report); and in both, every test task turbo ran, whatever the workspace listed.
 */
function packageRuns(root: string, tested: WorkspacePackage[], tasks: TaskOutcome[] | undefined, whole: boolean): SuiteRun[] {
  const testTasks = new Map((tasks ?? []).filter((t) => t.task === "test" && t.command !== "<NONEXISTENT>").map((t) => [t.directory, t]));
  const names = new Map<string, string>();
  for (const p of tested) {
    const ran = tasks === undefined ? existsSync(join(root, p.dir, report)) : testTasks.has(p.dir);
    if (whole || ran) names.set(p.dir, p.manifest.name);
  }
  for (const t of testTasks.values()) if (!names.has(t.directory)) names.set(t.directory, t.package);
  return [...names].map(([dir, name]) => ({ name, report: readReport(join(root, dir, report)), exitCode: testTasks.get(dir)?.exitCode }));
}

/**
 * Runs the tests and sums the reports; `turboArgs` go to `turbo run test` (a filter narrows the
 * packages). `root` is the workspace: this repository, unless a test gives a throwaway one.
 */
export async function runTests(turboArgs: string[], root: string = repoRoot): Promise<TestRun> {
  const filtered = turboArgs.some((arg) => arg === "-F" || arg.startsWith("--filter"));
  const tested = workspacePackages(root).filter((p) => p.manifest.scripts?.test !== undefined);
  const releaseSummary = join(root, relative(repoRoot, releaseSummaryFile));
  for (const p of tested) rmSync(join(root, p.dir, report), { force: true });
  rmSync(join(root, "scripts", report), { force: true });
  rmSync(releaseSummary, { force: true });

  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
  const turbo = await turboTest(root, turboArgs, env);
  const runs = packageRuns(root, tested, turbo.tasks, !filtered); // read before the scripts' own tests run
  let scripts = 0;
  if (!filtered) {
    scripts = await run("pnpm", ["exec", "vitest", "run", "--config", "scripts/vitest.config.ts"], root, env);
    runs.push({ name: "scripts", report: readReport(join(root, "scripts", report)), exitCode: scripts });
  }

  // The release test's summary (tarballs, single-install trees, the core-minor update) closes the run's output.
  if (existsSync(releaseSummary)) console.log(`\n${readFileSync(releaseSummary, "utf8")}`);
  const failedTasks = (turbo.tasks ?? []).filter((t) => t.exitCode !== undefined && t.exitCode !== 0).map((t) => t.taskId);
  const { tally, problems } = closingTally(runs, { exitCode: turbo.exitCode, failedTasks });
  return { tally, problems, ok: turbo.exitCode === 0 && scripts === 0 && tally.failed === 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runTests(process.argv.slice(2));
  for (const problem of result.problems) console.error(`run-tests: ${problem} (counted as a failure)`);
  console.log(summaryLine(result.tally));
  process.exit(result.ok ? 0 : 1);
}
