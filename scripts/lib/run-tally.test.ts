import { describe, expect, it } from "vitest";
import { closingTally, type SuiteRun } from "./run-tally.ts";
import { summaryLine } from "./test-report.ts";

const passing: SuiteRun = { name: "@kit/log", report: { tally: { passed: 4, failed: 0, skipped: 0 } }, exitCode: 0 };

describe("closingTally", () => {
  it("sums the reports when every run ended as its report says", () => {
    const failing: SuiteRun = { name: "@kit/kitgen", report: { tally: { passed: 193, failed: 1, skipped: 0 } }, exitCode: 1 };
    const result = closingTally([passing, failing], { exitCode: 1, failedTasks: ["@kit/kitgen#test"] });
    expect([summaryLine(result.tally), result.problems]).toEqual(["197 passed, 1 failed", []]);
  });

  it("counts one failure when turbo failed and no report counts any (a build failed, say), naming the failed tasks", () => {
    const result = closingTally([passing], { exitCode: 1, failedTasks: ["@kit/log#build"] });
    expect(summaryLine(result.tally)).toBe("4 passed, 1 failed");
    expect(result.problems).toEqual(["turbo exited with 1 (failed: @kit/log#build), but no report counts a failed test"]);
  });

  it("counts a scripts run that exited non-zero with a report of no failure", () => {
    const scripts: SuiteRun = { name: "scripts", report: { tally: { passed: 70, failed: 0, skipped: 0 } }, exitCode: 1 };
    expect(closingTally([passing, scripts], { exitCode: 0, failedTasks: [] }).tally).toEqual({ passed: 74, failed: 1, skipped: 0 });
  });
});
