// `pnpm test`'s closing line, from a real turbo run on a throwaway workspace whose packages'
// `test` scripts stand in for vitest: each writes (or does not write) a `.vitest-report.json`
// and exits as it likes. The line must count every failure, whatever the reports say.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runTests } from "./run-tests.ts";
import { summaryLine } from "./lib/test-report.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What vitest's JSON reporter writes, reduced to the counts the runner reads. */
function vitestReport(passed: number, failed: number): string {
  return JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, testResults: [] });
}

/** A `test` script that writes `report` (when given) as the package's report, then exits with `exitCode`. */
function testScript(report: string | undefined, exitCode: number): string {
  const write = report === undefined ? "" : `writeFileSync(".vitest-report.json", ${JSON.stringify(report)});\n`;
  return `import { writeFileSync } from "node:fs";\n${write}process.exit(${String(exitCode)});\n`;
}

/** A workspace of packages (name → test script) run by the repository's own turbo and pnpm. */
function workspace(packages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-run-tests-"));
  temps.push(dir);
  const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager: string };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "run-tests-fixture", private: true, packageManager }));
  writeFileSync(join(dir, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n");
  writeFileSync(join(dir, "turbo.json"), JSON.stringify({ tasks: { test: { outputs: [".vitest-report.json"] } } }));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  for (const [name, script] of Object.entries(packages)) {
    mkdirSync(join(dir, "packages", name), { recursive: true });
    writeFileSync(join(dir, "packages", name, "package.json"), JSON.stringify({ name, private: true, scripts: { test: "node test.mjs" } }));
    writeFileSync(join(dir, "packages", name, "test.mjs"), script);
  }
  return dir;
}

describe("runTests", { timeout: 60_000 }, () => {
  it("counts a package whose tests failed while its report counts no failed test, and names it", async () => {
    const dir = workspace({ passing: testScript(vitestReport(2, 0), 0), failing: testScript(vitestReport(3, 0), 1) });
    const result = await runTests(["--filter=./packages/*"], dir);
    expect(summaryLine(result.tally)).toBe("5 passed, 1 failed");
    expect(result.problems).toEqual(["failing: its tests exited with 1, but its report counts no failed test"]);
    expect(result.ok).toBe(false);
  });

  it("counts a report cut short and a test run that left none as failures, under a filter too", async () => {
    const dir = workspace({ passing: testScript(vitestReport(2, 0), 0), cut: testScript('{"numPassedTests": 4', 1), silent: testScript(undefined, 0) });
    const result = await runTests(["--filter=./packages/*"], dir);
    expect(summaryLine(result.tally)).toBe("2 passed, 2 failed");
    expect(result.problems).toEqual([expect.stringMatching(/^cut left a test report that is not JSON \(/), "silent left no test report"]);
  });
});
