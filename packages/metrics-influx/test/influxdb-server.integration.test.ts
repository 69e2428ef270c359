// Against the real InfluxDB 1.x server (Debian's influxdb, the test's own on free ports):
// what Kit writes over HTTP (the v1 write API) and over UDP is accepted, stored as the
// measurements, tags and fields the README documents, and read back with InfluxQL, escaping of
// spaces, commas and equals signs in names and tags included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the package entry, as users import it
import { influx } from "../src/index.ts";
import { startOwnInflux, type OwnInflux } from "./own-influx.ts";

let server: OwnInflux;

beforeAll(async () => {
  server = await startOwnInflux();
  await influxQL("CREATE DATABASE kit");
  await influxQL("CREATE DATABASE udp");
}, 60_000);

afterAll(async () => {
  await server.destroy();
});

interface Series {
  readonly name: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values: unknown[][];
}

/** Runs InfluxQL through the HTTP API; the series of its one statement. */
async function influxQL(q: string, db = "kit"): Promise<Series[]> {
  const response = await fetch(`${server.url}/query?db=${db}&q=${encodeURIComponent(q)}`, { method: "POST" });
  const body = (await response.json()) as { results: { error?: string; series?: Series[] }[] };
  const result = body.results[0];
  if (result?.error !== undefined) throw new Error(`${q}: ${result.error}`);
  return result?.series ?? [];
}

/** The rows of `series` as objects, column name → value. */
const rows = (series: Series[]): Record<string, unknown>[] =>
  series.flatMap((s) => s.values.map((row) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((column, i) => [column, row[i]])) })));

/** Polls `q` until it returns rows (the UDP listener writes in batches), for at most 10 s. */
async function eventually(q: string, db: string): Promise<Record<string, unknown>[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const found = rows(await influxQL(q, db));
    if (found.length > 0 || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("influx() against a real InfluxDB 1.x", () => {
  it("writes counters, gauges and histograms over HTTP that InfluxQL reads back, every field a float", async () => {
    const errors: unknown[] = [];
    const metrics = influx({ url: server.url, db: "kit", prefix: "addsvc_", tags: { region: "eu west" }, flushInterval: 0, onError: (err) => errors.push(err) });
    metrics.counter({ name: "jobs_total", help: "Jobs.", labels: ["queue"] }).with({ queue: "mail" }).add(3);
    metrics.gauge({ name: "workers", help: "Workers." }).set(4);
    const latency = metrics.histogram({ name: "latency_seconds", help: "Latency." });
    for (const seconds of [0.1, 0.2, 0.3, 0.4]) latency.observe(seconds);
    await metrics.stop();

    expect(errors).toEqual([]);
    expect(rows(await influxQL('SELECT "count" FROM "addsvc_jobs_total"'))).toEqual([expect.objectContaining({ count: 3 })]);
    expect(rows(await influxQL('SELECT * FROM "addsvc_jobs_total" GROUP BY *'))).toEqual([expect.objectContaining({ queue: "mail", region: "eu west", count: 3 })]);
    expect(rows(await influxQL('SELECT "value" FROM "addsvc_workers"'))).toEqual([expect.objectContaining({ value: 4 })]);
    expect(rows(await influxQL('SELECT "count", "sum", "p50", "p99" FROM "addsvc_latency_seconds"'))).toEqual([
      expect.objectContaining({ count: 4, sum: 1, p50: 0.2, p99: 0.4 }),
    ]);
    // Floats, never integers, so a field keeps one type whatever a later value is.
    const types = rows(await influxQL('SHOW FIELD KEYS FROM "addsvc_jobs_total"'));
    expect(types).toEqual([{ fieldKey: "count", fieldType: "float" }]);
  });

  it("escapes spaces, commas and equals signs in measurement names, tag keys and tag values", async () => {
    const metrics = influx({ url: server.url, db: "kit", prefix: "odd name,", tags: { "host name,k=v": "x=y, z" }, flushInterval: 0 });
    const awkward = "a b,c=d\\e";
    metrics.counter({ name: "total", help: "Odd.", labels: ["path"] }).with({ path: awkward }).add(1);
    await metrics.stop();

    const [point] = rows(await influxQL('SELECT * FROM "odd name,total" GROUP BY *'));
    expect(point).toMatchObject({ path: awkward, "host name,k=v": "x=y, z", count: 1 });
    const keys = rows(await influxQL('SHOW TAG KEYS FROM "odd name,total"')).map((row) => row.tagKey);
    expect(keys.sort()).toEqual(["host name,k=v", "path"]);
  });

  it("writes over UDP into the listener's database, timestamps in nanoseconds", async () => {
    const before = Date.now();
    const metrics = influx({ udp: { port: server.udpPort }, flushInterval: 0, tags: { via: "udp" } });
    metrics.counter({ name: "udp_jobs_total", help: "Jobs.", labels: ["queue"] }).with({ queue: "mail, urgent" }).add(2);
    await metrics.stop();

    const [point] = await eventually('SELECT * FROM "udp_jobs_total" GROUP BY *', "udp");
    expect(point).toMatchObject({ queue: "mail, urgent", via: "udp", count: 2 });
    const written = Date.parse(String(point?.time));
    expect(written).toBeGreaterThanOrEqual(before - 1);
    expect(written).toBeLessThanOrEqual(Date.now() + 1);
  });
});
