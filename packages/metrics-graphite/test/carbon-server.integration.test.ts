// Against the real Graphite server side (Debian's graphite-carbon 1.1: carbon-cache writing
// whisper files, the test's own on free ports): what Kit flushes reaches carbon's whisper
// files under the names the README documents, plain paths and Graphite 1.1 tags, and reads
// back with whisper's own tool (`whisper-fetch`) with the values and timestamps Kit wrote.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the package entry, as users import it
import { graphite } from "../src/index.ts";
import { startOwnCarbon, type OwnCarbon } from "./own-carbon.ts";

let carbon: OwnCarbon;

beforeAll(async () => {
  carbon = await startOwnCarbon();
}, 60_000);

afterAll(async () => {
  await carbon.destroy();
});

/** The whisper file carbon keeps a plain path in: one directory per dot. */
const plainFile = (path: string): string => join(carbon.whisperDir, ...path.split(".")) + ".wsp";

/** The whisper file carbon keeps a tagged series in: under `_tagged`, by the hash of its normalised name (tags sorted). */
function taggedFile(name: string, tags: Record<string, string>): string {
  const normalised = [name, ...Object.keys(tags).sort().map((key) => `${key}=${tags[key] ?? ""}`)].join(";");
  const hash = createHash("sha256").update(normalised).digest("hex");
  return join(carbon.whisperDir, "_tagged", hash.slice(0, 3), hash.slice(3, 6), `${hash}.wsp`);
}

/** The points in a whisper file, by Unix second, as `whisper-fetch --json` reads them. */
function readWhisper(file: string): Map<number, number> {
  const now = Math.floor(Date.now() / 1000);
  const fetched = spawnSync("/usr/bin/whisper-fetch", ["--json", `--from=${now - 600}`, `--until=${now + 5}`, file], { encoding: "utf8" });
  if (fetched.status !== 0) throw new Error(`whisper-fetch ${file}: ${fetched.stderr}`);
  const { start, step, values } = JSON.parse(fetched.stdout) as { start: number; step: number; values: (number | null)[] };
  const points = new Map<number, number>();
  values.forEach((value, i) => {
    if (value !== null) points.set(start + i * step, value);
  });
  return points;
}

/** Waits (at most 15 s) until carbon has written every one of `files` with at least `count` points. */
async function written(files: readonly string[], count = 1): Promise<Map<number, number>[]> {
  const until = Date.now() + 15_000;
  for (;;) {
    const ready = files.every((file) => existsSync(file) && readWhisper(file).size >= count);
    if (ready) return files.map(readWhisper);
    if (Date.now() > until) throw new Error(`carbon never wrote ${files.filter((file) => !existsSync(file)).join(", ") || "enough points"}\n${readFileSync(join(carbon.dir, "carbon.log"), "utf8").slice(-3_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const nextSecond = async (): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 20));
};

describe("graphite() against a real carbon-cache", () => {
  it("stores counters (as deltas), gauges and histogram counts and percentiles under dotted paths", async () => {
    const metrics = graphite({ port: carbon.port, prefix: "kit.it.", flushInterval: 0 });
    const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
    const sumOk = requests.with({ method: "sum", code: "ok" });
    const workers = metrics.gauge({ name: "pool:workers", help: "Workers." });
    const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", labels: ["route"] }).with({ route: "/v1/sum items" });
    sumOk.add(3);
    workers.set(4);
    for (const seconds of [0.1, 0.2, 0.3, 0.4]) latency.observe(seconds);
    await nextSecond();
    const first = Math.floor(Date.now() / 1000);
    await metrics.flush();
    sumOk.add(2);
    await nextSecond();
    const second = Math.floor(Date.now() / 1000);
    await metrics.stop();

    const [counter, gauge, count, p50, p99] = await written(
      ["kit.it.requests_total.sum.ok", "kit.it.pool_workers", "kit.it.latency_seconds._v1_sum_items.count", "kit.it.latency_seconds._v1_sum_items.p50", "kit.it.latency_seconds._v1_sum_items.p99"].map(plainFile),
    );
    await written([plainFile("kit.it.requests_total.sum.ok")], 2);
    expect(readWhisper(plainFile("kit.it.requests_total.sum.ok"))).toEqual(new Map([[first, 3], [second, 2]]));
    expect(counter?.get(first)).toBe(3);
    expect(gauge?.get(first)).toBe(4);
    expect(count?.get(first)).toBe(4);
    expect(p50?.get(first)).toBe(0.2);
    expect(p99?.get(first)).toBe(0.4);
  });

  it("stores labels as Graphite 1.1 tags, which carbon files by their normalised name", async () => {
    const metrics = graphite({ port: carbon.port, prefix: "kit_tags.", tags: true, flushInterval: 0 });
    metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] }).with({ method: "sum", code: "not found" }).add(5);
    metrics.histogram({ name: "latency_seconds", help: "Latency.", labels: ["method"] }).with({ method: "sum" }).observe(0.5);
    await metrics.stop();
    const at = Math.floor(Date.now() / 1000);

    const [counter, p99] = await written([
      taggedFile("kit_tags.requests_total", { method: "sum", code: "not_found" }),
      taggedFile("kit_tags.latency_seconds.p99", { method: "sum" }),
    ]);
    expect([...(counter?.values() ?? [])]).toEqual([5]);
    expect([...(p99?.values() ?? [])]).toEqual([0.5]);
    expect(Math.abs([...(counter?.keys() ?? [])][0]! - at)).toBeLessThanOrEqual(1);
  });

  it("keeps running totals with counters: \"total\"", async () => {
    const metrics = graphite({ port: carbon.port, prefix: "kit_totals.", counters: "total", flushInterval: 0 });
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs." });
    jobs.add(1);
    await metrics.flush();
    await nextSecond();
    jobs.add(1);
    await metrics.stop();
    const [points] = await written([plainFile("kit_totals.jobs_total")], 2);
    expect([...(points?.values() ?? [])]).toEqual([1, 2]);
  });
});
