import { describe, expect, it } from "vitest";
import { sum, summaryLine, tallyReport } from "./test-report.ts";

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

describe("summaryLine", () => {
  it("prints the line CI reads, with skipped only when there are some", () => {
    expect(summaryLine(sum([{ passed: 3, failed: 0, skipped: 0 }, { passed: 4, failed: 1, skipped: 0 }]))).toBe("7 passed, 1 failed");
    expect(summaryLine({ passed: 1, failed: 0, skipped: 2 })).toBe("1 passed, 0 failed, 2 skipped");
  });
});
