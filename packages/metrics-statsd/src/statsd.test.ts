import { afterEach, describe, expect, it, vi } from "vitest";
import { type Receiver, receiver, settle } from "../test/support/receiver.ts";
import type { StatsdOptions } from "./options.ts";
import { statsd, type StatsdProvider } from "./statsd.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(options: Partial<StatsdOptions> & Pick<StatsdOptions, "flavour">): Promise<{ udp: Receiver; metrics: StatsdProvider }> {
  const udp = await receiver();
  cleanup.push(() => udp.close());
  const metrics = statsd({ port: udp.port, flushInterval: 0, ...options });
  cleanup.push(() => metrics.stop());
  return { udp, metrics };
}

/** Declares one of each kind, labelled, and records on them. */
function record(metrics: StatsdProvider): void {
  const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
  requests.with({ method: "sum", code: "ok" }).add(1);
  requests.with({ method: "sum", code: "ok" }).add(2);
  metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
  metrics.gauge({ name: "queued", help: "Queued.", labels: ["queue"] }).with({ queue: "mail" }).set(3);
  const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", labels: ["method"] });
  latency.with({ method: "sum" }).observe(0.25);
  latency.with({ method: "sum" }).observe(12);
}

describe("statsd wire formats", () => {
  it("statsd: folds label values into the name, histograms as |ms", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd", prefix: "addsvc." });
    record(metrics);
    await metrics.flush();
    await udp.waitFor(1);
    expect(udp.datagrams).toEqual([
      [
        "addsvc.requests_total.sum.ok:3|c",
        "addsvc.jobs_total:1|c",
        "addsvc.queued.mail:3|g",
        "addsvc.latency_seconds.sum:0.25|ms",
        "addsvc.latency_seconds.sum:12|ms",
      ].join("\n"),
    ]);
  });

  it("dogstatsd: tags after the type, histograms as |h", async () => {
    const { udp, metrics } = await setup({ flavour: "dogstatsd" });
    record(metrics);
    await metrics.flush();
    await udp.waitFor(1);
    expect(udp.lines()).toEqual([
      "requests_total:3|c|#method:sum,code:ok",
      "jobs_total:1|c",
      "queued:3|g|#queue:mail",
      "latency_seconds:0.25|h|#method:sum",
      "latency_seconds:12|h|#method:sum",
    ]);
  });

  it("influxstatsd: tags after the name, histograms as |ms", async () => {
    const { udp, metrics } = await setup({ flavour: "influxstatsd" });
    record(metrics);
    await metrics.flush();
    await udp.waitFor(1);
    expect(udp.lines()).toEqual([
      "requests_total,method=sum,code=ok:3|c",
      "jobs_total:1|c",
      "queued,queue=mail:3|g",
      "latency_seconds,method=sum:0.25|ms",
      "latency_seconds,method=sum:12|ms",
    ]);
  });

  it("histogramType overrides the flavour's choice", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd", histogramType: "h" });
    metrics.histogram({ name: "size", help: "Size." }).observe(7);
    await metrics.flush();
    await udp.waitFor(1);
    expect(udp.lines()).toEqual(["size:7|h"]);
  });

  it("sanitizes names and label values per flavour", async () => {
    const names = { method: "a.b c:d|e,f=g#h", code: "" };
    const sent = await Promise.all(
      (["statsd", "dogstatsd", "influxstatsd"] as const).map(async (flavour) => {
        const { udp, metrics } = await setup({ flavour });
        metrics.counter({ name: "rpc:calls", help: "Calls.", labels: ["method", "code"] }).with(names).add(1);
        await metrics.flush();
        return (await udp.waitFor(1))[0];
      }),
    );
    expect(sent).toEqual([
      "rpc_calls.a_b_c_d_e_f_g_h._:1|c",
      "rpc_calls:1|c|#method:a.b_c_d_e_f=g_h,code:",
      "rpc_calls,method=a.b_c_d_e_f_g_h:1|c", // Telegraf refuses empty tag values: left out
    ]);
  });

  it("sends a negative gauge as 0 then the value where a sign means relative", async () => {
    const plain = await setup({ flavour: "statsd" });
    const dog = await setup({ flavour: "dogstatsd" });
    for (const { metrics } of [plain, dog]) {
      const g = metrics.gauge({ name: "temp", help: "Temp." });
      g.set(2);
      g.add(-7);
      await metrics.flush();
    }
    expect(await plain.udp.waitFor(1)).toEqual(["temp:0|g\ntemp:-5|g"]);
    expect(await dog.udp.waitFor(1)).toEqual(["temp:-5|g"]);
  });
});

describe("statsd buffering", () => {
  it("sums counters between flushes and sends only what changed", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd" });
    const jobs = metrics.counter({ name: "jobs", help: "Jobs." });
    const up = metrics.gauge({ name: "up", help: "Up." });
    const lat = metrics.histogram({ name: "lat", help: "Lat." });
    for (let i = 0; i < 1000; i++) jobs.add(1);
    up.set(1);
    lat.observe(1);
    await metrics.flush();
    await udp.waitFor(1);
    jobs.add(2);
    await metrics.flush();
    await metrics.flush(); // nothing new: nothing sent
    await udp.waitFor(2);
    await settle();
    expect(udp.datagrams).toEqual(["jobs:1000|c\nup:1|g\nlat:1|ms", "jobs:2|c"]);
  });

  it("drops non-finite values instead of sending or throwing", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd" });
    const jobs = metrics.counter({ name: "jobs", help: "Jobs." });
    const lat = metrics.histogram({ name: "lat", help: "Lat." });
    const g = metrics.gauge({ name: "g", help: "G." });
    jobs.add(Infinity);
    lat.observe(NaN);
    lat.observe(2);
    g.set(-Infinity);
    await metrics.flush();
    expect(await udp.waitFor(1)).toEqual(["lat:2|ms"]);
  });

  it("packs lines into datagrams no larger than maxPacketBytes, split on newlines", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd", maxPacketBytes: 40 });
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      c.with({ n: `series${String(i)}` }).add(i);
      lines.push(`c.series${String(i)}:${String(i)}|c`); // 13 bytes each: 2 fit (27), 3 would not (41)
    }
    await metrics.flush();
    await udp.waitFor(5);
    await settle();
    expect(udp.datagrams).toEqual([0, 2, 4, 6, 8].map((i) => lines.slice(i, i + 2).join("\n")));
    for (const d of udp.datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(40);
  });

  it("sends a line longer than maxPacketBytes on its own", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd", maxPacketBytes: 10 });
    metrics.counter({ name: "a", help: "A." }).add(1);
    metrics.counter({ name: "a_very_long_name", help: "B." }).add(1);
    metrics.counter({ name: "b", help: "B." }).add(1);
    await metrics.flush();
    await udp.waitFor(3);
    expect(udp.datagrams).toEqual(["a:1|c", "a_very_long_name:1|c", "b:1|c"]);
  });
});

describe("statsd sample rates", () => {
  it("records with probability rate and annotates |@rate", async () => {
    const draws = [0.05, 0.5, 0.09, 0.95, 0.0];
    const random = vi.fn(() => draws.shift() ?? 0.99);
    const { udp, metrics } = await setup({ flavour: "dogstatsd", sampleRate: 0.1, random });
    const hits = metrics.counter({ name: "hits", help: "Hits.", labels: ["path"] });
    const lat = metrics.histogram({ name: "lat", help: "Lat." });
    const up = metrics.gauge({ name: "up", help: "Up." });
    const home = hits.with({ path: "home" });
    home.add(1); // 0.05 < 0.1: kept
    home.add(1); // 0.5: dropped
    home.add(1); // 0.09: kept
    lat.observe(3); // 0.95: dropped
    lat.observe(4); // 0.0: kept
    up.set(1); // gauges are never sampled
    await metrics.flush();
    await udp.waitFor(1);
    // In the order the series were made: unlabelled at declaration, labelled at the first `with`.
    expect(udp.lines()).toEqual(["lat:4|h|@0.1", "up:1|g", "hits:2|c|@0.1|#path:home"]);
    expect(random).toHaveBeenCalledTimes(5);
  });

  it("takes a per-metric rate from sampleRates, by declared name", async () => {
    const random = vi.fn(() => 0);
    const { udp, metrics } = await setup({
      flavour: "influxstatsd",
      prefix: "svc.",
      sampleRate: 0.5,
      sampleRates: { lat: 0.25, all: 1 },
      random,
    });
    metrics.histogram({ name: "lat", help: "Lat.", labels: ["m"] }).with({ m: "x" }).observe(1);
    metrics.counter({ name: "all", help: "All." }).add(1);
    metrics.counter({ name: "some", help: "Some." }).add(1);
    await metrics.flush();
    await udp.waitFor(1);
    expect(udp.lines()).toEqual(["svc.lat,m=x:1|ms|@0.25", "svc.all:1|c", "svc.some:1|c|@0.5"]);
    expect(random).toHaveBeenCalledTimes(2); // rate 1 draws nothing
  });

  it("rejects rates outside (0, 1]", () => {
    expect(() => statsd({ flavour: "statsd", sampleRate: 0 })).toThrow(RangeError);
    expect(() => statsd({ flavour: "statsd", sampleRates: { x: 1.5 } })).toThrow(/sampleRates\.x/);
  });
});

describe("statsd options", () => {
  it("rejects a bad flavour, prefix, port, interval or packet size", () => {
    expect(() => statsd({ flavour: "graphite" as "statsd" })).toThrow(TypeError);
    expect(() => statsd({ flavour: "statsd", prefix: "a:b" })).toThrow(TypeError);
    expect(() => statsd({ flavour: "statsd", port: 70000 })).toThrow(RangeError);
    expect(() => statsd({ flavour: "statsd", flushInterval: -1 })).toThrow(RangeError);
    expect(() => statsd({ flavour: "statsd", maxPacketBytes: 0 })).toThrow(RangeError);
  });
});

describe("statsd flushing", () => {
  it("flushes on the interval, with an unref'd timer", async () => {
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    const { udp, metrics } = await setup({ flavour: "statsd", flushInterval: 10 });
    const timer = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(setIntervalSpy).toHaveBeenCalledWith(expect.any(Function), 10);
    expect(timer.hasRef()).toBe(false);
    metrics.counter({ name: "ticks", help: "Ticks." }).add(1);
    expect(await udp.waitFor(1)).toEqual(["ticks:1|c"]); // no flush() call: the interval sent it
  });

  it("stop() flushes, closes the socket, clears the timer, and later flushes do nothing", async () => {
    const clearSpy = vi.spyOn(globalThis, "clearInterval");
    const errors: Error[] = [];
    const { udp, metrics } = await setup({ flavour: "statsd", flushInterval: 60_000, onError: (e) => errors.push(e) });
    const jobs = metrics.counter({ name: "jobs", help: "Jobs." });
    jobs.add(1);
    await metrics.flush(); // opens the socket
    jobs.add(4);
    await metrics.stop();
    expect(clearSpy).toHaveBeenCalledTimes(1);
    expect(await udp.waitFor(2)).toEqual(["jobs:1|c", "jobs:4|c"]);
    jobs.add(1);
    await metrics.flush();
    await metrics.stop();
    await settle();
    expect(udp.datagrams).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("stop() waits for a flush in progress", async () => {
    const { udp, metrics } = await setup({ flavour: "statsd", maxPacketBytes: 8 });
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    for (let i = 0; i < 20; i++) c.with({ n: String(i) }).add(1);
    const flushing = metrics.flush();
    await metrics.stop();
    await flushing;
    expect(await udp.waitFor(20)).toHaveLength(20);
  });

  it("reports send errors to onError instead of throwing", async () => {
    const errors: Error[] = [];
    const { udp, metrics } = await setup({ flavour: "statsd", onError: (e) => errors.push(e) });
    // A line over UDP's 65,507-byte limit: the kernel refuses it (EMSGSIZE), no network needed.
    metrics.counter({ name: "c", help: "C.", labels: ["v"] }).with({ v: "x".repeat(70_000) }).add(1);
    metrics.counter({ name: "d", help: "D." }).add(1);
    await expect(metrics.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["EMSGSIZE"]);
    expect(await udp.waitFor(1)).toEqual(["d:1|c"]); // the next datagram still goes
  });
});
