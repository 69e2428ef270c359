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

/** A report read: its tally, or why there is none to count. */
export type ReportRead = { tally: Tally } | { problem: string };

/** Whether `value` has the fields {@link tallyReport} counts, each of the right kind. */
function isVitestReport(value: unknown): value is VitestReport {
  if (typeof value !== "object" || value === null) return false;
  const report = value as Record<string, unknown>;
  const counts = ["numPassedTests", "numFailedTests", "numPendingTests", "numTodoTests"].every((key) => Number.isInteger(report[key]));
  return counts && Array.isArray(report.testResults) && report.testResults.every((file: { assertionResults?: unknown } | null) => Array.isArray(file?.assertionResults));
}

/**
 * Reads and tallies a report file. A missing file, or one that is not a vitest JSON report
 * (cut short, empty, another tool's), is a problem to count, never a tally of nothing.
 */
export function readReport(path: string): ReportRead {
  if (!existsSync(path)) return { problem: "left no test report" };
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    return { problem: `left a test report that is not JSON (${(err as Error).message})` };
  }
  if (!isVitestReport(report)) return { problem: "left a test report without vitest's counts" };
  return { tally: tallyReport(report) };
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
