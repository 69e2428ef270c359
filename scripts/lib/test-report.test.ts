import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readReport, sum, summaryLine, tallyReport } from "./test-report.ts";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const report = (over: object = {}) => ({
  numPassedTests: 5,
  numFailedTests: 1,
  numPendingTests: 1,
  numTodoTests: 1,
  testResults: [
    { name: "a.test.ts", status: "failed", assertionResults: [{ status: "passed" }, { status: "failed" }] },
    { name: "b.test.ts", status: "failed", assertionResults: [] },
  ],
  ...over,
});

describe("tallyReport", () => {
  it("counts a file that failed without a failing test as one failure", () => {
    expect(tallyReport(report())).toEqual({ passed: 5, failed: 2, skipped: 2 });
  });
});

describe("readReport", () => {
  /** The path of a report file holding `text` (none when undefined). */
  const reportFile = (text?: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "kit-test-report-"));
    temps.push(dir);
    if (text !== undefined) writeFileSync(join(dir, ".vitest-report.json"), text);
    return join(dir, ".vitest-report.json");
  };

  it("tallies a vitest report", () => {
    expect(readReport(reportFile(JSON.stringify(report())))).toEqual({ tally: { passed: 5, failed: 2, skipped: 2 } });
  });

  it("names what is wrong with a missing report, one cut short, and one without vitest's counts, instead of a tally", () => {
    expect(readReport(reportFile())).toEqual({ problem: "left no test report" });
    expect(readReport(reportFile('{"numPassedTests": 5'))).toEqual({ problem: expect.stringMatching(/^left a test report that is not JSON \(/) as unknown });
    expect(readReport(reportFile("{}"))).toEqual({ problem: "left a test report without vitest's counts" });
    expect(readReport(reportFile(JSON.stringify(report({ numFailedTests: "1" }))))).toEqual({ problem: "left a test report without vitest's counts" });
  });
});

describe("summaryLine", () => {
  it("prints the line CI reads, with skipped only when there are some", () => {
    expect(summaryLine(sum([{ passed: 3, failed: 0, skipped: 0 }, { passed: 4, failed: 1, skipped: 0 }]))).toBe("7 passed, 1 failed");
    expect(summaryLine({ passed: 1, failed: 0, skipped: 2 })).toBe("1 passed, 0 failed, 2 skipped");
  });
});
