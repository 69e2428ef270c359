// The closing tally of `pnpm test`: every test run's report summed, and each way a run can fail
// without its report saying so counted as a failure, with a line that names it. The closing line
// never says `0 failed` about a run that failed.
import { sum, type ReportRead, type Tally } from "./test-report.ts";

/** One vitest run the closing line accounts for: a package's, or the scripts'. */
export interface SuiteRun {
  /** The package's name, or `scripts`. */
  name: string;
  report: ReportRead;
  /** How its test command ended, when known: turbo's summary, or the scripts' vitest. */
  exitCode: number | undefined;
}

/** How turbo's `run test` ended: its exit code and the tasks its summary records as failed. */
export interface TurboOutcome {
  exitCode: number;
  /** `<package>#<task>` of each task that exited non-zero. */
  failedTasks: string[];
}

/** The closing tally, and one line for each failure it counts that no report counted. */
export interface RunTally {
  tally: Tally;
  problems: string[];
}

const oneFailure: Tally = { passed: 0, failed: 1, skipped: 0 };

/**
 * Sums the runs' reports. A run whose report is missing or unreadable counts one failure; so
 * does a run that exited non-zero while its report counts no failed test. And when turbo exited
 * non-zero but nothing counted a failure (a build failed, say), that counts one.
 */
export function closingTally(runs: SuiteRun[], turbo: TurboOutcome): RunTally {
  const tallies: Tally[] = [];
  const problems: string[] = [];
  for (const run of runs) {
    if ("problem" in run.report) {
      problems.push(`${run.name} ${run.report.problem}`);
      tallies.push(oneFailure);
      continue;
    }
    tallies.push(run.report.tally);
    if (run.exitCode !== undefined && run.exitCode !== 0 && run.report.tally.failed === 0) {
      problems.push(`${run.name}: its tests exited with ${String(run.exitCode)}, but its report counts no failed test`);
      tallies.push(oneFailure);
    }
  }
  const tally = sum(tallies);
  if (turbo.exitCode !== 0 && tally.failed === 0) {
    const failed = turbo.failedTasks.length > 0 ? turbo.failedTasks.join(", ") : "no task named in its summary";
    problems.push(`turbo exited with ${String(turbo.exitCode)} (failed: ${failed}), but no report counts a failed test`);
    tally.failed += 1;
  }
  return { tally, problems };
}
