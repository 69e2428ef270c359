// Against a real StatsD server: Etsy's statsd (the reference implementation, from the npm
// registry), started by the test on a free UDP port. Its own parser reads Kit's datagrams; a
// backend of a few lines (support/statsd-server/json-backend.ts) prints what it aggregated at
// each flush, and the test checks it, with `statsd.bad_lines_seen` at 0. statsd reads the
// DogStatsD `|#k:v` tags too (as Graphite tags). No InfluxStatsD server (Telegraf) can be had
// from the registries this project reaches, so that flavour stays checked by the unit tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "@kit/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the package entry, as users import it
import { statsd } from "../src/index.ts";

interface Flush {
  readonly counters: Record<string, number>;
  readonly gauges: Record<string, number>;
  readonly timers: Record<string, number[]>;
}

const support = join(dirname(fileURLToPath(import.meta.url)), "support", "statsd-server");
const statsdMain = createRequire(import.meta.url).resolve("statsd/stats.js");

let server: ChildProcess;
let port: number;
let configDir: string;
let logged = "";
const flushes: Flush[] = [];

beforeAll(async () => {
  port = await freePort();
  const config = JSON.stringify({
    port,
    address: "127.0.0.1",
    mgmt_port: await freePort(),
    mgmt_address: "127.0.0.1",
    flushInterval: 200,
    deleteIdleStats: true,
    backends: [join(support, "json-backend.ts")],
  });
  configDir = mkdtempSync(join(tmpdir(), "kit-statsd-"));
  const configFile = join(configDir, "config.json"); // statsd watches it: it stays until the server stops
  writeFileSync(configFile, config);
  server = spawn(process.execPath, [`--import=${join(support, "node-24.ts")}`, statsdMain, configFile], { stdio: ["ignore", "pipe", "pipe"] });
  let buffered = "";
  server.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) flushes.push(JSON.parse(line) as Flush);
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    logged = (logged + chunk.toString()).slice(-4_000);
  });
  await until(() => `statsd's first flush; its stderr:\n${logged}`, () => flushes.length > 0);
}, 30_000);

afterAll(() => {
  server.kill();
  rmSync(configDir, { recursive: true, force: true });
});

/** Waits for the first flush in which `key` has a counter (or gauge) value, and returns that flush. */
async function flushWith(key: string): Promise<Flush> {
  const from = flushes.length;
  let found: Flush | undefined;
  await until(
    () => `a flush with ${key}; last flush ${JSON.stringify(flushes.at(-1))}; statsd's stderr:\n${logged}`,
    () => {
      found = flushes.slice(from).find((flush) => key in flush.counters || key in flush.gauges || key in flush.timers);
      return found !== undefined;
    },
  );
  return found!;
}

describe("statsd() against Etsy's statsd server", () => {
  it("plain StatsD: counters, gauges (negative ones too) and timings parsed as Kit wrote them", async () => {
    const metrics = statsd({ flavour: "statsd", port, prefix: "kit.", flushInterval: 0 });
    metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] }).with({ method: "sum", code: "ok" }).add(3);
    metrics.gauge({ name: "queued", help: "Queued.", labels: ["queue"] }).with({ queue: "mail" }).set(-5);
    const latency = metrics.histogram({ name: "latency", help: "Latency.", labels: ["method"] }).with({ method: "sum" });
    latency.observe(0.25);
    latency.observe(0.5);
    await metrics.stop();

    const flush = await flushWith("kit.requests_total.sum.ok"); // one datagram: one flush has it all
    expect(flush.counters["kit.requests_total.sum.ok"]).toBe(3);
    expect(flush.gauges["kit.queued.mail"]).toBe(-5);
    expect(flush.timers["kit.latency.sum"]).toEqual([0.25, 0.5]);
    expect(flush.counters["statsd.bad_lines_seen"]).toBe(0);
  });

  it("scales sampled counters back up by the rate Kit sent (|@0.5)", async () => {
    const metrics = statsd({ flavour: "statsd", port, prefix: "kit.sampled.", sampleRate: 0.5, random: () => 0, flushInterval: 0 });
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs." });
    jobs.add(1);
    jobs.add(1);
    await metrics.stop();
    const flush = await flushWith("kit.sampled.jobs_total");
    expect(flush.counters["kit.sampled.jobs_total"]).toBe(4);
    expect(flush.counters["statsd.bad_lines_seen"]).toBe(0);
  });

  it("DogStatsD: the |#k:v tags reach the server as tags on the series", async () => {
    const metrics = statsd({ flavour: "dogstatsd", port, prefix: "kit.dog.", flushInterval: 0 });
    metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] }).with({ method: "sum", code: "not found" }).add(2);
    await metrics.stop();
    const flush = await flushWith("kit.dog.requests_total;method=sum;code=not_found");
    expect(flush.counters["kit.dog.requests_total;method=sum;code=not_found"]).toBe(2);
    expect(flush.counters["statsd.bad_lines_seen"]).toBe(0);
  });
});
