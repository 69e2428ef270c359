// `pnpm test`: every package's tests through turbo (brokers they need are started first),
// then the repository's own script tests, then one closing line summed over all test files:
// `N passed, N failed` (`, N skipped` when any were). Packages are tested one at a time: each
// vitest run already uses every core, and tests that measure deadlines need a machine that is
// not also running five other suites.
//
//   pnpm test                         everything
//   pnpm test --filter @kit/log...    what turbo selects; extra arguments go to `turbo run test`
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./lib/run.ts";
import { readTally, releaseSummaryFile, sum, summaryLine, type Tally } from "./lib/test-report.ts";
import { workspacePackages } from "./lib/workspace.ts";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const report = ".vitest-report.json";

/** The outcome of a test run. */
export interface TestRun {
  tally: Tally;
  /** Packages whose test run left no report: each is counted as a failure. */
  missing: string[];
  ok: boolean;
}

/** Runs the tests and sums the reports; `turboArgs` go to `turbo run test` (a filter narrows the packages). */
export async function runTests(turboArgs: string[]): Promise<TestRun> {
  const filtered = turboArgs.some((arg) => arg === "-F" || arg.startsWith("--filter"));
  const tested = workspacePackages(root).filter((p) => p.manifest.scripts?.test !== undefined);
  for (const p of tested) rmSync(join(root, p.dir, report), { force: true });
  rmSync(join(root, "scripts", report), { force: true });
  rmSync(releaseSummaryFile, { force: true });

  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
  const turbo = await run("pnpm", ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", "--output-logs=full", ...turboArgs], root, env);
  const scripts = !filtered ? await run("pnpm", ["exec", "vitest", "run", "--config", "scripts/vitest.config.ts"], root, env) : 0;

  const tallies: Tally[] = [];
  const missing: string[] = [];
  for (const p of tested) {
    const tally = readTally(join(root, p.dir, report));
    if (tally) tallies.push(tally);
    else if (!filtered) missing.push(p.manifest.name);
  }
  const scriptTally = readTally(join(root, "scripts", report));
  if (scriptTally) tallies.push(scriptTally);
  else if (!filtered) missing.push("scripts");

  // The release test's summary (tarballs, single-install trees, the core-minor update) closes the run's output.
  if (existsSync(releaseSummaryFile)) console.log(`\n${readFileSync(releaseSummaryFile, "utf8")}`);
  const total = sum(tallies);
  total.failed += missing.length;
  return { tally: total, missing, ok: turbo === 0 && scripts === 0 && total.failed === 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runTests(process.argv.slice(2));
  for (const name of result.missing) console.error(`run-tests: ${name} left no test report (counted as a failure)`);
  console.log(summaryLine(result.tally));
  process.exit(result.ok ? 0 : 1);
}
