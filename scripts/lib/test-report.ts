// Sums vitest JSON reports into one tally.
import { existsSync, readFileSync } from "node:fs";

/** Counts of tests across reports. */
export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

/**
 * The tally of one vitest JSON report. A test file that failed without any failing test (it
 * did not load, or a hook threw) counts as one failure, so a broken file is never silent.
 */
export function tallyReport(report: VitestReport): Tally {
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((a) => a.status === "failed"),
  ).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

/** Reads and tallies a report file; undefined when the file is missing. */
export function readTally(path: string): Tally | undefined {
  if (!existsSync(path)) return undefined;
  return tallyReport(JSON.parse(readFileSync(path, "utf8")) as VitestReport);
}

/** Adds tallies. */
export function sum(tallies: Tally[]): Tally {
  return tallies.reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
}

/** The closing line CI reads: `N passed, N failed` and `, N skipped` when any were. */
export function summaryLine(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped > 0 ? `, ${t.skipped} skipped` : ""}`;
}

/** Where scripts/release.test.ts leaves its closing summary, which `pnpm test` prints again last. */
export const releaseSummaryFile: string = new URL("../.release-test-summary.txt", import.meta.url).pathname;
