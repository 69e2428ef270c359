// Against the real Prometheus server (Debian's prometheus 2.x, the test's own on a free port):
// what `metricsHandler` serves is scraped without errors, stored under the names and label values
// Kit wrote (escaping included), and a user's PromQL queries (`changes`, `rate`,
// `histogram_quantile`) answer with the numbers the test recorded. `promtool check metrics`,
// Prometheus' own linter, accepts the exposition with no warning.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { OwnBroker } from "@kit/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the package entry, as users import it
import { metricsHandler, prometheus } from "../src/index.ts";
import { startOwnPrometheus } from "./own-prometheus.ts";

/** A label value with every character the exposition format must escape, and some it must not. */
const awkward = 'GET /a "quoted"\\back\\slash\nnext line, ünïcode =,{}';

const metrics = prometheus({ prefix: "kit_it_" });
const requests = metrics.counter({ name: "requests_total", help: "Requests, by path and code.", labels: ["path", "code"] });
const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 0.5, 1] });
const workers = metrics.gauge({ name: "workers", help: "Workers running." });

let target: Server;
let server: OwnBroker;

beforeAll(async () => {
  target = createServer(metricsHandler(metrics.registry));
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  server = await startOwnPrometheus({ targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] });
}, 60_000);

afterAll(async () => {
  await server.destroy();
  await new Promise((resolve) => target.close(resolve));
});

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Runs an instant PromQL query through Prometheus' HTTP API. */
async function query(promql: string): Promise<Sample[]> {
  const response = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: Sample[] } };
  if (body.status !== "success") throw new Error(`${promql}: ${body.error ?? body.status}`);
  return body.data.result;
}

/** Polls `promql` until `accept` holds (Prometheus scrapes every second), for at most 15 s. */
async function eventually(promql: string, accept: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const until = Date.now() + 15_000;
  let last: Sample[] = [];
  while (Date.now() < until) {
    last = await query(promql);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${promql} never matched; last answer ${JSON.stringify(last)}\n${readFileSync(join(server.dir, "prometheus.log"), "utf8").slice(-2_000)}`);
}

const valueOf = (samples: Sample[]): number => Number(samples[0]?.value[1]);

describe("metricsHandler scraped by a real Prometheus", () => {
  it("stores counters, gauges and histograms under Kit's names, with every label value as written", async () => {
    requests.with({ path: awkward, code: "ok" }).add(7);
    requests.with({ path: "/plain", code: "not_found" }).add(2);
    workers.set(4);
    for (const seconds of [0.05, 0.05, 0.05, 0.3, 0.3, 0.7]) latency.observe(seconds);

    const series = await eventually("kit_it_requests_total", (samples) => samples.length === 2);
    const byPath = new Map(series.map((sample) => [sample.metric.path, sample]));
    expect(byPath.get(awkward)?.value[1]).toBe("7");
    expect(byPath.get(awkward)?.metric).toMatchObject({ __name__: "kit_it_requests_total", code: "ok", job: "kit" });
    expect(byPath.get("/plain")?.value[1]).toBe("2");
    expect(valueOf(await query("kit_it_workers"))).toBe(4);
    expect(valueOf(await query('kit_it_latency_seconds_bucket{le="0.5"}'))).toBe(5);
    expect(valueOf(await query("kit_it_latency_seconds_count"))).toBe(6);
    expect(valueOf(await query("kit_it_latency_seconds_sum"))).toBeCloseTo(1.45, 9);
  });

  it("answers histogram_quantile over Kit's buckets as Prometheus computes it", async () => {
    await eventually("kit_it_latency_seconds_count", (samples) => valueOf(samples) === 6);
    // rank 3 of 6 ends the first bucket (0, 0.1]; rank 5.4 falls 40 % into (0.5, 1]
    expect(valueOf(await query("histogram_quantile(0.5, kit_it_latency_seconds_bucket)"))).toBeCloseTo(0.1, 9);
    expect(valueOf(await query("histogram_quantile(0.9, kit_it_latency_seconds_bucket)"))).toBeCloseTo(0.7, 9);
  });

  it("sees a counter grow between scrapes: changes() counts one step, rate() is positive, no reset", async () => {
    const series = requests.with({ path: "/plain", code: "not_found" });
    await eventually('kit_it_requests_total{path="/plain"}[10s]', (samples) => samples.length === 1);
    series.add(10);
    await eventually('kit_it_requests_total{path="/plain"}', (samples) => valueOf(samples) === 12);
    const selector = 'kit_it_requests_total{path="/plain"}[1m]';
    expect(valueOf(await query(`changes(${selector})`))).toBe(1);
    expect(valueOf(await query(`resets(${selector})`))).toBe(0);
    expect(valueOf(await query(`rate(${selector})`))).toBeGreaterThan(0);
  });

  it("scrapes the target with no error, and promtool finds nothing to lint in the exposition", async () => {
    const response = await fetch(`${server.url}/api/v1/targets`);
    const { data } = (await response.json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
    expect(data.activeTargets).toHaveLength(1);
    expect(data.activeTargets[0]).toMatchObject({ health: "up", lastError: "" });

    const exposition = await (await fetch(`http://127.0.0.1:${(target.address() as AddressInfo).port}/metrics`)).text();
    const lint = spawnSync("/usr/bin/promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
    expect({ status: lint.status, stdout: lint.stdout, stderr: lint.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });
});
