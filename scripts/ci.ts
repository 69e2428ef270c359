// `pnpm test:all`, what `bash scripts/kit.sh test` and CI run: every check, then every test.
// A failing check does not stop the tests; the run fails if anything failed, and its last
// line is the test tally `N passed, N failed` (`, N skipped`).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./lib/run.ts";
import { summaryLine } from "./lib/test-report.ts";
import { runTests } from "./run-tests.ts";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };

const checks: [name: string, args: string[]][] = [
  ["package levels and declared dependencies", ["run", "--silent", "check:levels"]],
  ["CODEOWNERS", ["run", "--silent", "check:owners"]],
  ["peer ranges strand no user (check-ranges)", ["run", "--silent", "check:ranges"]],
  ["unused files, exports and dependencies (knip)", ["run", "--silent", "check:unused"]],
  ["GitHub workflows (actionlint)", ["run", "--silent", "check:workflows"]],
  ["docs task builds every package", ["run", "--silent", "check:docs-deps"]],
  ["dependency ranges (manypkg)", ["run", "--silent", "check:deps"]],
  ["root scripts: typecheck and lint", ["run", "--silent", "check:root"]],
  ["typecheck, lint, publint and attw", ["exec", "turbo", "run", "typecheck", "lint", "check:pack", "--continue", "--output-logs=errors-only"]],
  ["API docs (typedoc, warnings are errors)", ["exec", "turbo", "run", "docs", "--output-logs=errors-only"]],
];

if (process.argv.length > 2) {
  // It takes no arguments: anything given (`--help` too) prints what it runs, and runs nothing.
  console.log("usage: node scripts/ci.ts (no arguments): every check, then every test. The checks, each also a root script:");
  for (const [name, args] of checks) console.log(`  ${name}: pnpm ${args.join(" ")}`);
  process.exit(process.argv.includes("--help") ? 0 : 2);
}

const failedChecks: string[] = [];
for (const [name, args] of checks) {
  console.log(`\n== ${name}`);
  if ((await run("pnpm", args, root, env)) !== 0) failedChecks.push(name);
}

console.log("\n== tests");
const tests = await runTests([]);
for (const problem of tests.problems) console.error(`ci: ${problem} (counted as a failure)`);
const skippedInCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" && tests.tally.skipped > 0;
if (skippedInCi) console.error(`ci: ${tests.tally.skipped} test(s) skipped; CI allows none`);
if (failedChecks.length > 0) console.error(`ci: failed checks: ${failedChecks.join("; ")}`);
console.log(summaryLine(tests.tally));
process.exit(tests.ok && failedChecks.length === 0 && !skippedInCi ? 0 : 1);
