import { Counter, Gauge, Histogram, Registry, register, type RegistryContentType } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse, valueOf } from "../test/support/exposition.ts";
import { prometheus } from "./prometheus.ts";

const scrape = async (registry: Registry<RegistryContentType>): Promise<ReturnType<typeof parse>> => parse(await registry.metrics());

describe("prometheus counters", () => {
  it("exposes each label set's total, with HELP and TYPE", async () => {
    const metrics = prometheus();
    const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
    const ok = requests.with({ method: "sum", code: "ok" });
    ok.add(1);
    ok.add(1);
    requests.with({ code: "ok", method: "sum" }).add(1); // same series, labels in another order
    requests.with({ method: "sum", code: "invalid_argument" }).add(2.5);
    requests.with({ method: "concat", code: "ok" }).add(0);

    const text = await scrape(metrics.registry);
    expect(text.type.get("requests_total")).toBe("counter");
    expect(text.help.get("requests_total")).toBe("Requests.");
    expect(valueOf(text, "requests_total", { method: "sum", code: "ok" })).toBe(3);
    expect(valueOf(text, "requests_total", { method: "sum", code: "invalid_argument" })).toBe(2.5);
    expect(valueOf(text, "requests_total", { method: "concat", code: "ok" })).toBe(0);
    expect(text.samples.filter((s) => s.name === "requests_total")).toHaveLength(3);
  });

  it("counts an unlabelled counter directly, from 0", async () => {
    const metrics = prometheus();
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs." });
    expect(valueOf(await scrape(metrics.registry), "jobs_total")).toBe(0);
    jobs.add(4);
    jobs.add(1);
    expect(valueOf(await scrape(metrics.registry), "jobs_total")).toBe(5);
  });

  it("binds prom-client's child once per label set", () => {
    const labels = vi.spyOn(Counter.prototype, "labels");
    const metrics = prometheus();
    const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method"] });
    for (let i = 0; i < 5; i++) requests.with({ method: "sum" }).add(1);
    requests.with({ method: "concat" }).add(1);
    expect(labels.mock.calls).toEqual([["sum"], ["concat"]]);
  });

  it("escapes label values in the exposition", async () => {
    const metrics = prometheus();
    const hits = metrics.counter({ name: "hits_total", help: "Hits.", labels: ["path"] });
    hits.with({ path: 'a "quoted"\\path\nnext' }).add(1);
    expect(valueOf(await scrape(metrics.registry), "hits_total", { path: 'a "quoted"\\path\nnext' })).toBe(1);
  });

  it("drops add(Infinity), which prom-client refuses, instead of throwing", async () => {
    const metrics = prometheus();
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs." });
    jobs.add(2);
    expect(() => {
      jobs.add(Infinity);
    }).not.toThrow();
    expect(valueOf(await scrape(metrics.registry), "jobs_total")).toBe(2);
    expect(() => {
      jobs.add(-1);
    }).toThrow(RangeError); // @kit/metrics' own check, before the backend
  });
});

describe("prometheus gauges", () => {
  it("sets and adds, per label set and unlabelled", async () => {
    const metrics = prometheus();
    const queued = metrics.gauge({ name: "jobs_queued", help: "Jobs waiting.", labels: ["queue"] });
    queued.with({ queue: "mail" }).set(12);
    queued.with({ queue: "mail" }).add(-5);
    queued.with({ queue: "sms" }).add(3);
    const temperature = metrics.gauge({ name: "temperature_celsius", help: "Temperature." });
    temperature.set(-4.5);
    temperature.add(0.5);
    const load = metrics.gauge({ name: "load", help: "Load." });
    load.set(Infinity);

    const text = await scrape(metrics.registry);
    expect(text.type.get("jobs_queued")).toBe("gauge");
    expect(valueOf(text, "jobs_queued", { queue: "mail" })).toBe(7);
    expect(valueOf(text, "jobs_queued", { queue: "sms" })).toBe(3);
    expect(valueOf(text, "temperature_celsius")).toBe(-4);
    expect(valueOf(text, "load")).toBe(Infinity);
  });

  it("binds prom-client's child once per label set", () => {
    const labels = vi.spyOn(Gauge.prototype, "labels");
    const metrics = prometheus();
    const queued = metrics.gauge({ name: "jobs_queued", help: "Jobs waiting.", labels: ["queue"] });
    for (let i = 0; i < 3; i++) queued.with({ queue: "mail" }).add(1);
    expect(labels).toHaveBeenCalledTimes(1);
  });
});

describe("prometheus histograms", () => {
  it("exposes cumulative buckets, sum and count per label set", async () => {
    const metrics = prometheus();
    const latency = metrics.histogram({ name: "db_seconds", help: "Query time.", labels: ["query"], buckets: [0.1, 0.5, 1] });
    const orders = latency.with({ query: "orders" });
    for (const v of [0.05, 0.1, 0.3, 0.7, 2]) orders.observe(v);
    latency.with({ query: "users" }).observe(0.2);

    const text = await scrape(metrics.registry);
    expect(text.type.get("db_seconds")).toBe("histogram");
    const bucket = (query: string, le: string): number | undefined => valueOf(text, "db_seconds_bucket", { query, le });
    expect([bucket("orders", "0.1"), bucket("orders", "0.5"), bucket("orders", "1"), bucket("orders", "+Inf")]).toEqual([2, 3, 4, 5]);
    expect(valueOf(text, "db_seconds_sum", { query: "orders" })).toBeCloseTo(3.15, 10);
    expect(valueOf(text, "db_seconds_count", { query: "orders" })).toBe(5);
    expect([bucket("users", "0.1"), bucket("users", "0.5"), bucket("users", "+Inf")]).toEqual([0, 1, 1]);
    expect(valueOf(text, "db_seconds_count", { query: "users" })).toBe(1);
  });

  it("uses Prometheus' default buckets and observes an unlabelled histogram directly", async () => {
    const metrics = prometheus();
    const latency = metrics.histogram({ name: "rpc_seconds", help: "RPC time." });
    latency.observe(0.003);
    latency.observe(20);
    const text = await scrape(metrics.registry);
    const les = text.samples.filter((s) => s.name === "rpc_seconds_bucket").map((s) => s.labels.le);
    expect(les).toEqual(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]);
    expect(valueOf(text, "rpc_seconds_bucket", { le: "0.005" })).toBe(1);
    expect(valueOf(text, "rpc_seconds_bucket", { le: "10" })).toBe(1);
    expect(valueOf(text, "rpc_seconds_bucket", { le: "+Inf" })).toBe(2);
    expect(valueOf(text, "rpc_seconds_sum")).toBeCloseTo(20.003, 10);
  });

  it("binds prom-client's child once per label set", () => {
    const labels = vi.spyOn(Histogram.prototype, "labels");
    const metrics = prometheus();
    const latency = metrics.histogram({ name: "db_seconds", help: "Query time.", labels: ["query"] });
    for (let i = 0; i < 3; i++) latency.with({ query: "orders" }).observe(0.1);
    latency.with({ query: "users" }).observe(0.1);
    expect(labels.mock.calls).toEqual([["orders"], ["users"]]);
  });

  it("drops NaN and infinite observations instead of throwing", async () => {
    const metrics = prometheus();
    const latency = metrics.histogram({ name: "rpc_seconds", help: "RPC time." });
    latency.observe(1);
    expect(() => {
      latency.observe(Number.NaN);
      latency.observe(Infinity);
      latency.observe(-Infinity);
    }).not.toThrow();
    const text = await scrape(metrics.registry);
    expect(valueOf(text, "rpc_seconds_count")).toBe(1);
    expect(valueOf(text, "rpc_seconds_sum")).toBe(1);
  });
});

describe("prometheus registry and names", () => {
  afterEach(() => {
    register.removeSingleMetric("kit_test_total");
  });

  it("gives each provider its own registry by default, apart from prom-client's global one", async () => {
    const a = prometheus();
    const b = prometheus();
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry).not.toBe(register);
    a.counter({ name: "kit_test_total", help: "A." }).add(1);
    b.counter({ name: "kit_test_total", help: "B." }).add(2); // no clash
    expect(valueOf(await scrape(a.registry), "kit_test_total")).toBe(1);
    expect(valueOf(await scrape(b.registry), "kit_test_total")).toBe(2);
    expect(register.getSingleMetric("kit_test_total")).toBeUndefined();
  });

  it("registers in the registry it is given, prom-client's global one included", async () => {
    const mine = new Registry();
    const metrics = prometheus({ registry: mine });
    expect(metrics.registry).toBe(mine);
    metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
    expect(valueOf(await scrape(mine), "jobs_total")).toBe(1);

    prometheus({ registry: register }).counter({ name: "kit_test_total", help: "Global." }).add(3);
    expect(valueOf(parse(await register.getSingleMetricAsString("kit_test_total")), "kit_test_total")).toBe(3);
  });

  it("prefixes every name", async () => {
    const metrics = prometheus({ prefix: "addsvc_" });
    metrics.counter({ name: "requests_total", help: "Requests." }).add(1);
    metrics.gauge({ name: "in_flight", help: "In flight." }).set(2);
    metrics.histogram({ name: "seconds", help: "Time.", buckets: [1] }).observe(0.5);
    const text = await scrape(metrics.registry);
    expect(valueOf(text, "addsvc_requests_total")).toBe(1);
    expect(valueOf(text, "addsvc_in_flight")).toBe(2);
    expect(valueOf(text, "addsvc_seconds_count")).toBe(1);
    expect(text.samples.every((s) => s.name.startsWith("addsvc_"))).toBe(true);
  });

  it("rejects a prefix that would make invalid names", () => {
    expect(() => prometheus({ prefix: "my-app_" })).toThrow(/prefix "my-app_" must match/);
    expect(() => prometheus({ prefix: "9_" })).toThrow(TypeError);
  });

  it("returns the same metric for the same declaration, registered once", async () => {
    const metrics = prometheus();
    const first = metrics.counter({ name: "jobs_total", help: "Jobs.", labels: ["queue"] });
    const second = metrics.counter({ name: "jobs_total", help: "Jobs.", labels: ["queue"] });
    expect(second).toBe(first);
    first.with({ queue: "a" }).add(1);
    second.with({ queue: "a" }).add(1);
    expect(valueOf(await scrape(metrics.registry), "jobs_total", { queue: "a" })).toBe(2);
  });

  it("names the metric when the registry already holds its name", () => {
    const registry = new Registry();
    new Counter({ name: "jobs_total", help: "Elsewhere.", registers: [registry] });
    const metrics = prometheus({ registry, prefix: "" });
    expect(() => metrics.counter({ name: "jobs_total", help: "Jobs." })).toThrow(
      /cannot register counter "jobs_total": .*already been registered/,
    );
  });

  it("passes prom-client's refusal of a histogram label named le on, with the name", () => {
    const metrics = prometheus();
    expect(() => metrics.histogram({ name: "size_bytes", help: "Sizes.", labels: ["le"] })).toThrow(
      /cannot register histogram "size_bytes": le is a reserved label keyword/,
    );
  });

  it("keeps values after stop", async () => {
    const metrics = prometheus();
    metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
    await metrics.stop();
    expect(valueOf(await scrape(metrics.registry), "jobs_total")).toBe(1);
  });
});
