// @kit/metrics against prom-client, on the same work, in one run.
//
// Every counter case adds 1 to the series {method="sum", code="ok"} of a counter labelled
// [method, code]; every histogram case observes the same cycle of 16 durations (0.001–12 s,
// spread over Prometheus' default buckets) on the series {method="sum", code="ok"}. Kit binds
// its series once with `with(labels)` (the way Kit is meant to be used, and what `instrument`
// does); prom-client is measured both the way its README shows (`labels(...).inc()`, or
// `inc({ labels })`) and with a child bound once beforehand, its fastest path.
import { memory } from "@kit/metrics";
import { prometheus } from "@kit/metrics-prometheus";
import { Counter, Histogram, Registry } from "prom-client";
import { type Case, compare, printTable, ratio, type Result } from "./harness.ts";

/** How many times the in-memory backend's rate must be prom-client's. */
const MEMORY_TARGET = 5;

const labels = ["method", "code"] as const;
const durations = [0.001, 0.004, 0.007, 0.02, 0.03, 0.06, 0.08, 0.2, 0.3, 0.4, 0.7, 1.5, 3, 4, 7, 12];

function counterCases(): Case[] {
  const kitProm = prometheus().counter({ name: "requests_total", help: "Requests.", labels }).with({ method: "sum", code: "ok" });
  const kitMemory = memory().counter({ name: "requests_total", help: "Requests.", labels }).with({ method: "sum", code: "ok" });
  const prom = new Counter({ name: "requests_total", help: "Requests.", labelNames: labels, registers: [new Registry()] });
  const promChild = new Counter({ name: "requests_total", help: "Requests.", labelNames: labels, registers: [new Registry()] }).labels(
    "sum",
    "ok",
  );
  const promObject = new Counter({ name: "requests_total", help: "Requests.", labelNames: labels, registers: [new Registry()] });
  return [
    { name: "prom-client labels().inc()", run: () => { prom.labels("sum", "ok").inc(); } },
    { name: "prom-client inc({ labels })", run: () => { promObject.inc({ method: "sum", code: "ok" }); } },
    { name: "prom-client bound child.inc()", run: () => { promChild.inc(); } },
    { name: "kit → prometheus add(1)", run: () => { kitProm.add(1); } },
    { name: "kit memory add(1)", run: () => { kitMemory.add(1); } },
  ];
}

function histogramCases(): Case[] {
  let i = 0;
  let j = 0;
  let k = 0;
  let l = 0;
  const kitProm = prometheus().histogram({ name: "request_seconds", help: "Latency.", labels }).with({ method: "sum", code: "ok" });
  const kitMemory = memory().histogram({ name: "request_seconds", help: "Latency.", labels }).with({ method: "sum", code: "ok" });
  const prom = new Histogram({ name: "request_seconds", help: "Latency.", labelNames: labels, registers: [new Registry()] });
  const promChild = new Histogram({ name: "request_seconds", help: "Latency.", labelNames: labels, registers: [new Registry()] }).labels(
    "sum",
    "ok",
  );
  return [
    { name: "prom-client labels().observe()", run: () => { prom.labels("sum", "ok").observe(durations[i++ & 15] ?? 0); } },
    { name: "prom-client bound child.observe()", run: () => { promChild.observe(durations[j++ & 15] ?? 0); } },
    { name: "kit → prometheus observe()", run: () => { kitProm.observe(durations[k++ & 15] ?? 0); } },
    { name: "kit memory observe()", run: () => { kitMemory.observe(durations[l++ & 15] ?? 0); } },
  ];
}

function nsPerOp(results: readonly Result[]): void {
  console.log(results.map((r) => `${r.name}: ${(1e9 / r.opsPerSec).toFixed(1)} ns/op`).join("; "));
}

const started = process.hrtime.bigint();
console.log(`@kit/metrics vs prom-client ${process.version}: median of interleaved rounds; B/op is JS heap allocated per operation`);

const counters = compare(counterCases());
printTable("counter: add 1 to {method=sum, code=ok}", counters, "prom-client labels().inc()");
nsPerOp(counters);

const histograms = compare(histogramCases());
printTable("histogram: observe a duration on {method=sum, code=ok}, default buckets", histograms, "prom-client labels().observe()");
nsPerOp(histograms);

const kitVsLabels = ratio(counters, "kit → prometheus add(1)", "prom-client labels().inc()");
const kitVsChild = ratio(counters, "kit → prometheus add(1)", "prom-client bound child.inc()");
const kitHistVsLabels = ratio(histograms, "kit → prometheus observe()", "prom-client labels().observe()");
const kitHistVsChild = ratio(histograms, "kit → prometheus observe()", "prom-client bound child.observe()");
const memVsLabels = ratio(counters, "kit memory add(1)", "prom-client labels().inc()");
const memVsChild = ratio(counters, "kit memory add(1)", "prom-client bound child.inc()");
const memHistVsLabels = ratio(histograms, "kit memory observe()", "prom-client labels().observe()");
const memHistVsChild = ratio(histograms, "kit memory observe()", "prom-client bound child.observe()");

const costMet = kitVsLabels >= 1;
// Judged against prom-client's fastest path (a child bound beforehand), the strictest reading.
const memoryMet = Math.min(memVsChild, memHistVsChild) >= MEMORY_TARGET;
const x = (n: number): string => `${n.toFixed(2)}×`;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `\ntarget: Kit Prometheus backend costs no more than prom-client on the same work: ${costMet ? "MET" : "NOT MET"} ` +
    `(bound Kit counter ${x(kitVsLabels)} the rate of prom-client labels().inc(); histogram ${x(kitHistVsLabels)} labels().observe()); ` +
    `against a child prom-client users bind themselves: counter ${x(kitVsChild)}, histogram ${x(kitHistVsChild)}`,
);
console.log(
  `target: in-memory backend at least ${String(MEMORY_TARGET)}× faster than prom-client: ${memoryMet ? "MET" : "NOT MET"} ` +
    `(bound Kit series against prom-client's bound child: counter ${x(memVsChild)}, histogram ${x(memHistVsChild)}); ` +
    `against labels(): counter ${x(memVsLabels)}, histogram ${x(memHistVsLabels)}; ${seconds.toFixed(1)} s`,
);
