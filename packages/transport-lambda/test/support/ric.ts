// AWS's Lambda runtime interface client (aws-lambda-ric, from the npm registry), as Lambda runs
// it. Its native addon (rapid-client.node: libcurl and aws-lambda-cpp, built from the sources
// the package ships) is built by the package's own install scripts; the workspace does not let
// pnpm run them at install time (a failed native build would fail every install), so the first
// test run builds it here, once per machine, with the package's scripts as they are. It needs
// cmake, make, a C++ compiler, python3 and the Node headers (Debian: nodejs's /usr/include/node).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The directory of the installed aws-lambda-ric package. */
export const ricDir: string = dirname(createRequire(import.meta.url).resolve("aws-lambda-ric/package.json"));

/** The RIC's entry point, what `aws-lambda-ric <handler>` runs. */
export const ricMain: string = join(ricDir, "index.mjs");

/** Builds the RIC's native addon with its own install scripts unless it is built; throws when the build fails. */
export function buildRic(): void {
  if (existsSync(join(ricDir, "rapid-client.node"))) return;
  const run = (script: string): void => {
    execFileSync("sh", [join(ricDir, "scripts", script)], { cwd: ricDir, stdio: ["ignore", "ignore", "pipe"], timeout: 900_000 });
  };
  run("preinstall.sh");
  run("postinstall.sh");
  if (!existsSync(join(ricDir, "rapid-client.node"))) throw new Error(`aws-lambda-ric: rapid-client.node was not built in ${ricDir}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildRic();
