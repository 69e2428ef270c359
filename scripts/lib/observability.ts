// What the observability tests share about the servers they check Kit against: where the
// repository is, where Zipkin's jar is, and the error for a server that is not installed. Each
// test starts its own server through @kit/test-support, from a file of its own package's tests
// (packages/metrics-prometheus/test/own-prometheus.ts, packages/metrics-graphite/test/own-carbon.ts,
// packages/metrics-influx/test/own-influx.ts, examples/addsvc/test/own-zipkin.ts). `bash
// scripts/services.sh start` installs them all (Debian's packages, Zipkin's jar from Maven
// Central); a missing one fails the test with the command that installs it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const repositoryRoot: string = fileURLToPath(new URL("../..", import.meta.url));

/** The Zipkin server jar `scripts/services.sh` fetches from Maven Central. */
export const zipkinJar: string = join(repositoryRoot, ".tools", "services", "zipkin", "zipkin-server-exec.jar");

/**
 * Throws, naming the command that installs it, when `path` (a server's executable or jar) is
 * missing.
 *
 * @param path - the file the test runs
 * @param installs - what `bash scripts/services.sh start` installs it as (`Debian's influxdb`)
 */
export function requireCommand(path: string, installs: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`bash scripts/services.sh start\` (it installs ${installs})`);
  }
}
