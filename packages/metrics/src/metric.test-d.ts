/* eslint-disable @typescript-eslint/no-unsafe-call -- the calls that must not compile have no type to lint */
import { describe, expectTypeOf, it } from "vitest";
import type { Counter, CounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries } from "./metric.ts";
import { memory } from "./memory.ts";

const metrics = memory();

describe("Counter", () => {
  const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });

  it("infers the label names from the declaration", () => {
    expectTypeOf(requests).toEqualTypeOf<Counter<"method" | "code">>();
    expectTypeOf<Parameters<typeof requests.with>[0]>().toEqualTypeOf<Readonly<Record<"method" | "code", string>>>();
  });

  it("takes exactly the declared labels", () => {
    expectTypeOf(requests.with({ method: "sum", code: "ok" })).toEqualTypeOf<CounterSeries>();
    // @ts-expect-error -- "code" is missing
    requests.with({ method: "sum" });
    // @ts-expect-error -- "cod" is not a declared label
    requests.with({ method: "sum", code: "ok", cod: "ok" });
    // @ts-expect-error -- label values are strings
    requests.with({ method: "sum", code: 200 });
  });

  it("records only once every label is bound", () => {
    // @ts-expect-error -- a labelled counter has no add: bind its labels first
    requests.add(1);
    requests.with({ method: "sum", code: "ok" }).add(1);
  });

  it("records directly when declared without labels", () => {
    const restarts = metrics.counter({ name: "restarts_total", help: "Restarts." });
    expectTypeOf(restarts).toEqualTypeOf<Counter>();
    restarts.add(1);
    // @ts-expect-error -- an unlabelled counter has no labels to bind
    restarts.with({});
  });

  it("keeps the literal names of a label list declared elsewhere with as const", () => {
    const labels = ["region"] as const;
    const c = metrics.counter({ name: "regional_total", help: "By region.", labels });
    expectTypeOf(c).toEqualTypeOf<Counter<"region">>();
  });
});

describe("Gauge", () => {
  it("takes exactly the declared labels and sets and adds on the child", () => {
    const queued = metrics.gauge({ name: "queued", help: "Queued.", labels: ["queue"] });
    expectTypeOf(queued).toEqualTypeOf<Gauge<"queue">>();
    expectTypeOf(queued.with({ queue: "mail" })).toEqualTypeOf<GaugeSeries>();
    // @ts-expect-error -- "queue" is missing
    queued.with({});
    // @ts-expect-error -- a labelled gauge has no set
    queued.set(1);
  });

  it("sets and adds directly when declared without labels", () => {
    const up = metrics.gauge({ name: "up", help: "Up." });
    expectTypeOf(up).toEqualTypeOf<Gauge>();
    up.set(1);
    up.add(-1);
  });
});

describe("Histogram", () => {
  it("takes exactly the declared labels and observes on the child", () => {
    const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 1] });
    expectTypeOf(latency).toEqualTypeOf<Histogram<"route">>();
    expectTypeOf(latency.with({ route: "/a" })).toEqualTypeOf<HistogramSeries>();
    // @ts-expect-error -- "path" is not a declared label
    latency.with({ route: "/a", path: "/a" });
    // @ts-expect-error -- a labelled histogram has no observe
    latency.observe(1);
  });

  it("observes directly when declared without labels", () => {
    const sizes = metrics.histogram({ name: "sizes", help: "Sizes." });
    expectTypeOf(sizes).toEqualTypeOf<Histogram>();
    sizes.observe(3);
  });
});
