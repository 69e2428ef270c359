// Runs every `*.bench.ts` in this directory, one child process each, one after another, so
// no benchmark warms up or slows down another. `node run.ts log` runs only the names that
// contain "log". Exits non-zero if any benchmark does (a missed target, a crash).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")}`);
  process.exit(1);
}

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name}`);
  const result = spawnSync(process.execPath, [join(here, name)], { stdio: "inherit", cwd: here });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} exited with ${String(result.status ?? result.signal)}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
