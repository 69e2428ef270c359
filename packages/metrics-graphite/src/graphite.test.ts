import { afterEach, describe, expect, it, vi } from "vitest";
import { type Carbon, carbon, type Line, settle } from "../test/support/carbon.ts";
import { graphite, type GraphiteProvider } from "./graphite.ts";
import type { GraphiteOptions } from "./options.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function listen(port?: number): Promise<Carbon> {
  const server = await carbon(port);
  cleanup.push(() => server.close());
  return server;
}

function start(port: number, options: GraphiteOptions = {}): GraphiteProvider {
  const metrics = graphite({ port, flushInterval: 0, ...options });
  cleanup.push(() => metrics.stop());
  return metrics;
}

const now = (): number => Math.floor(Date.now() / 1000);
const byPath = (lines: readonly Line[]): Record<string, number> => Object.fromEntries(lines.map((l) => [l.path, l.value]));

describe("graphite plaintext", () => {
  it("writes every series as `path value timestamp`, label values folded into the path", async () => {
    const server = await listen();
    const metrics = start(server.port, { prefix: "addsvc." });
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    requests.with({ method: "sum", code: "ok" }).add(1);
    requests.with({ method: "sum", code: "ok" }).add(2);
    requests.with({ method: "concat", code: "not_found" }).add(1);
    metrics.gauge({ name: "queued", help: "Q.", labels: ["queue"] }).with({ queue: "mail" }).set(12.5);
    const latency = metrics.histogram({ name: "latency_seconds", help: "L." });
    for (let i = 1; i <= 100; i++) latency.observe(i / 100);

    const before = now();
    await metrics.flush();
    const lines = await server.waitFor(8);
    const after = now();
    expect(lines.map((l) => l.path)).toEqual([
      "addsvc.requests_total.sum.ok",
      "addsvc.requests_total.concat.not_found",
      "addsvc.queued.mail",
      "addsvc.latency_seconds.count",
      "addsvc.latency_seconds.p50",
      "addsvc.latency_seconds.p90",
      "addsvc.latency_seconds.p95",
      "addsvc.latency_seconds.p99",
    ]);
    expect(lines.map((l) => l.value)).toEqual([3, 1, 12.5, 100, 0.5, 0.9, 0.95, 0.99]);
    const stamps = new Set(lines.map((l) => l.timestamp));
    expect(stamps.size).toBe(1);
    const [stamp] = stamps;
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
  });

  it("writes counters as deltas since the last flush by default, every flush, 0 included", async () => {
    const server = await listen();
    const metrics = start(server.port);
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    const up = metrics.gauge({ name: "up", help: "U." });
    const lat = metrics.histogram({ name: "lat", help: "L." });
    for (let i = 0; i < 1000; i++) jobs.add(1);
    up.set(1);
    lat.observe(2);
    await metrics.flush();
    await server.waitFor(6);
    await metrics.flush(); // nothing recorded: delta 0, gauge kept, histogram count 0
    jobs.add(5);
    await metrics.flush();
    const lines = await server.waitFor(6 + 3 + 3);
    expect(lines.map((l) => `${l.path} ${String(l.value)}`)).toEqual([
      "jobs 1000",
      "up 1",
      "lat.count 1",
      "lat.p50 2",
      "lat.p90 2",
      "lat.p95 2",
      "lat.p99 2",
      "jobs 0",
      "up 1",
      "lat.count 0",
      "jobs 5",
      "up 1",
      "lat.count 0",
    ].slice(0, lines.length));
    expect(lines).toHaveLength(13);
    expect(server.connections()).toBe(1); // one connection, kept between flushes
  });

  it("writes running totals with counters: total", async () => {
    const server = await listen();
    const metrics = start(server.port, { counters: "total" });
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    jobs.add(2);
    await metrics.flush();
    await server.waitFor(1);
    jobs.add(3);
    await metrics.flush();
    expect((await server.waitFor(2)).map((l) => l.value)).toEqual([2, 5]);
  });

  it("writes chosen percentiles as .pNN over one interval's observations", async () => {
    const server = await listen();
    const metrics = start(server.port, { percentiles: [0.5, 0.999] });
    const lat = metrics.histogram({ name: "lat", help: "L.", labels: ["m"] }).with({ m: "x" });
    for (let i = 1000; i >= 1; i--) lat.observe(i);
    await metrics.flush();
    expect(byPath(await server.waitFor(3))).toEqual({ "lat.x.count": 1000, "lat.x.p50": 500, "lat.x.p999": 999 });
    lat.observe(7);
    await metrics.flush();
    const second = (await server.waitFor(6)).slice(3);
    expect(byPath(second)).toEqual({ "lat.x.count": 1, "lat.x.p50": 7, "lat.x.p999": 7 });
  });

  it("sanitises names and label values, or writes labels as Graphite tags", async () => {
    const server = await listen();
    const labels = { method: "a.b c;d/é", code: "" };
    const folded = start(server.port);
    folded.counter({ name: "rpc:calls", help: "C.", labels: ["method", "code"] }).with(labels).add(1);
    await folded.flush();
    await server.waitFor(1);
    const tagged = start(server.port, { tags: true, prefix: "svc." });
    tagged.counter({ name: "rpc:calls", help: "C.", labels: ["method", "code"] }).with(labels).add(1);
    tagged.histogram({ name: "lat", help: "L.", labels: ["method"] }).with({ method: "~x" }).observe(1);
    await tagged.flush();
    const lines = await server.waitFor(7);
    expect(lines.map((l) => l.path)).toEqual([
      "rpc_calls.a_b_c_d__._",
      "svc.rpc_calls;method=a.b_c_d/é", // an empty tag value is left out
      "svc.lat.count;method=_x",
      "svc.lat.p50;method=_x",
      "svc.lat.p90;method=_x",
      "svc.lat.p95;method=_x",
      "svc.lat.p99;method=_x",
    ]);
  });

  it("skips non-finite values instead of writing or throwing", async () => {
    const server = await listen();
    const metrics = start(server.port);
    metrics.counter({ name: "c", help: "C." }).add(Infinity);
    metrics.gauge({ name: "g", help: "G." }).set(NaN);
    const h = metrics.histogram({ name: "h", help: "H." });
    h.observe(NaN);
    metrics.gauge({ name: "ok", help: "O." }).set(1);
    await metrics.flush();
    await server.waitFor(2);
    await settle();
    expect(server.lines.map((l) => `${l.path} ${String(l.value)}`)).toEqual(["h.count 0", "ok 1"]);
  });

  it("delivers a large flush whole, across TCP chunks", async () => {
    const server = await listen();
    const metrics = start(server.port);
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    for (let i = 0; i < 20_000; i++) c.with({ n: `series${String(i)}` }).add(i);
    await metrics.flush();
    const lines = await server.waitFor(20_000, 20_000);
    expect(lines[19_999]).toMatchObject({ path: "c.series19999", value: 19_999 });
    expect(lines.reduce((sum, l) => sum + l.value, 0)).toBe((19_999 * 20_000) / 2);
  });

  it("rejects bad options", () => {
    expect(() => graphite({ prefix: "a b" })).toThrow(TypeError);
    expect(() => graphite({ port: 0 })).toThrow(RangeError);
    expect(() => graphite({ flushInterval: -1 })).toThrow(RangeError);
    expect(() => graphite({ counters: "rate" as "delta" })).toThrow(TypeError);
    expect(() => graphite({ percentiles: [1] })).toThrow(/percentile 1 must be in \(0, 1\)/);
    expect(() => graphite({ maxSamples: 0 })).toThrow(RangeError);
    expect(() => graphite({ maxBufferedLines: 1.5 })).toThrow(RangeError);
  });
});

describe("graphite flushing", () => {
  it("flushes on the interval with an unref'd timer", async () => {
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    const server = await listen();
    const metrics = start(server.port, { flushInterval: 20 });
    expect(setIntervalSpy).toHaveBeenCalledWith(expect.any(Function), 20);
    expect((setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    metrics.gauge({ name: "ticks", help: "T." }).set(1);
    const [first] = await server.waitFor(1); // no flush() call: the interval wrote it
    expect(first?.path).toBe("ticks");
  });

  it("stop() flushes, closes the connection, and later flushes write nothing", async () => {
    const server = await listen();
    const errors: Error[] = [];
    const metrics = start(server.port, { flushInterval: 60_000, onError: (e) => errors.push(e) });
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    jobs.add(1);
    await metrics.flush();
    jobs.add(4);
    await metrics.stop();
    expect((await server.waitFor(2)).map((l) => l.value)).toEqual([1, 4]);
    jobs.add(1);
    await metrics.flush();
    await settle();
    expect(server.lines).toHaveLength(2);
    expect(errors).toEqual([]);
  });
});

describe("graphite connection loss", () => {
  it("keeps lines while Carbon is down and sends them, with their timestamps, when it is back", async () => {
    const gone = await carbon();
    const port = gone.port;
    await gone.close(); // nothing listens on `port` now
    const errors: Error[] = [];
    const metrics = start(port, { onError: (e) => errors.push(e) });
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    jobs.add(1);
    await expect(metrics.flush()).resolves.toBeUndefined();
    jobs.add(2);
    await metrics.flush();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["ECONNREFUSED", "ECONNREFUSED"]);

    const server = await listen(port);
    jobs.add(3);
    await metrics.flush();
    const lines = await server.waitFor(3);
    expect(lines.map((l) => l.value)).toEqual([1, 2, 3]);
    expect(lines[0]!.timestamp).toBeLessThanOrEqual(lines[2]!.timestamp);
  });

  it("reconnects after Carbon closes and reopens on the same port, losing at most one batch", async () => {
    const first = await carbon();
    const port = first.port;
    const errors: Error[] = [];
    const metrics = start(port, { onError: (e) => errors.push(e) });
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    jobs.add(1);
    await metrics.flush();
    await first.waitFor(1);
    await first.close(); // the server goes away, dropping the connection

    // Flush until the provider has noticed (bounded): each batch adds 10.
    const noticed = (): boolean => errors.length > 0;
    let batches = 0;
    for (let i = 0; i < 50 && !noticed(); i++) {
      jobs.add(10);
      await metrics.flush();
      batches++;
      if (!noticed()) await settle(20);
    }
    expect(errors.length).toBeGreaterThan(0);

    const second = await listen(port);
    jobs.add(100);
    await metrics.flush();
    await second.waitFor(1);
    await settle();
    const delivered = second.lines.reduce((sum, l) => sum + l.value, 0);
    const sent = 10 * batches + 100;
    // Everything recorded after the restart arrives; of what was recorded while the server was
    // gone, at most the one batch written into the dead connection is lost.
    expect(sent - delivered === 0 || sent - delivered === 10).toBe(true);
    expect(second.lines.at(-1)?.value).toBe(100);
    expect(second.connections()).toBe(1);
  });

  it("keeps at most maxBufferedLines, dropping the oldest batches and saying so", async () => {
    const gone = await carbon();
    const port = gone.port;
    await gone.close();
    const errors: Error[] = [];
    const metrics = start(port, { maxBufferedLines: 2, onError: (e) => errors.push(e) });
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    for (const n of [1, 2, 3]) {
      jobs.add(n);
      await metrics.flush();
    }
    expect(errors.map((e) => e.message).filter((m) => m.includes("dropped"))).toEqual([
      "graphite: dropped 1 unsent lines, over maxBufferedLines (2)",
    ]);
    const server = await listen(port);
    jobs.add(4);
    await metrics.flush(); // 2 is dropped for room: the kept 3, then 4
    expect((await server.waitFor(2)).map((l) => l.value)).toEqual([3, 4]);
    await settle();
    expect(server.lines).toHaveLength(2);
    expect(errors.filter((e) => e.message.includes("dropped"))).toHaveLength(2);
  });
});
