// A Prometheus server of the test's own (Debian's prometheus, installed by `bash
// scripts/services.sh start`): on 127.0.0.1 and a free port, with its data in a temporary
// directory, never a shared one. Starting, stopping and deleting it are @kit/test-support's;
// this file has only Prometheus' configuration, command line and readiness probe.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { answersHttp, startOwnBroker, type OwnBroker } from "@kit/test-support";
import { requireCommand } from "../../../scripts/lib/observability.ts";

const prometheus = "/usr/bin/prometheus";

/** What {@link startOwnPrometheus} takes. */
export interface OwnPrometheusOptions {
  /** `host:port` targets to scrape (at `/metrics`), in job `kit`. */
  readonly targets: readonly string[];
  /** How often to scrape, as Prometheus writes durations (default `"1s"`). */
  readonly scrapeInterval?: string;
}

/** Prometheus' configuration: job `kit` scraping `targets` every `interval`. */
function configuration(targets: readonly string[], interval: string): string {
  return [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "scrape_configs:",
    "  - job_name: kit",
    `    scrape_interval: ${interval}`,
    "    static_configs:",
    `      - targets: [${targets.map((target) => JSON.stringify(target)).join(", ")}]`,
    "",
  ].join("\n");
}

/**
 * Starts Prometheus scraping `targets` on a free port, and resolves once its `/-/ready` answers;
 * its HTTP API at `url`, what it printed in `prometheus.log` in its `dir`. `destroy()` it in
 * `afterAll`.
 */
export async function startOwnPrometheus(options: OwnPrometheusOptions): Promise<OwnBroker> {
  requireCommand(prometheus, "Debian's prometheus");
  return startOwnBroker({
    name: "the test's Prometheus",
    dirPrefix: "kit-prometheus-",
    setUp: (dir, port) => {
      writeFileSync(join(dir, "prometheus.yml"), configuration(options.targets, options.scrapeInterval ?? "1s"));
      return { file: prometheus, args: [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${String(port)}`] };
    },
    url: (port) => `http://127.0.0.1:${String(port)}`,
    ready: answersHttp("/-/ready"),
    log: "prometheus.log",
    pollInterval: 200,
    killAfter: 5_000,
  });
}
