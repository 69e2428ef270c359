import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge, Registry, type OpenMetricsContentType } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { parse, valueOf } from "../test/support/exposition.ts";
import { metricsHandler } from "./handler.ts";
import { prometheus } from "./prometheus.ts";

let server: Server | undefined;

async function serve(listener: RequestListener): Promise<string> {
  const s = createServer(listener);
  server = s;
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, "127.0.0.1", resolve);
  });
  return `http://127.0.0.1:${String((s.address() as AddressInfo).port)}`;
}

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise<void>((resolve) => s.close(() => { resolve(); }));
});

describe("metricsHandler", () => {
  it("answers GET with the registry's exposition and content type", async () => {
    const metrics = prometheus();
    const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
    requests.with({ method: "sum", code: "ok" }).add(3);
    const url = await serve(metricsHandler(metrics.registry));

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await res.text();
    expect(body).toContain('requests_total{method="sum",code="ok"} 3');
    expect(valueOf(parse(body), "requests_total", { method: "sum", code: "ok" })).toBe(3);
  });

  it("serves current values on every scrape", async () => {
    const metrics = prometheus();
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs." });
    const url = await serve(metricsHandler(metrics.registry));
    jobs.add(1);
    expect(valueOf(parse(await (await fetch(url)).text()), "jobs_total")).toBe(1);
    jobs.add(1);
    expect(valueOf(parse(await (await fetch(url)).text()), "jobs_total")).toBe(2);
  });

  it("answers HEAD with the headers only", async () => {
    const metrics = prometheus();
    metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
    const url = await serve(metricsHandler(metrics.registry));
    const res = await fetch(url, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(await metrics.registry.metrics()));
    expect(await res.text()).toBe("");
  });

  it("refuses other methods with 405 and Allow", async () => {
    const url = await serve(metricsHandler(prometheus().registry));
    const res = await fetch(url, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 500 with the message when a collector fails", async () => {
    const registry = new Registry();
    new Gauge({
      name: "broken",
      help: "Fails to collect.",
      registers: [registry],
      collect() {
        throw new Error("disk unreadable");
      },
    });
    const url = await serve(metricsHandler(registry));
    const res = await fetch(url);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("disk unreadable");
  });

  it("serves an OpenMetrics registry with its content type", async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const metrics = prometheus({ registry });
    metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
    const res = await fetch(await serve(metricsHandler(registry)));
    expect(res.headers.get("content-type")).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    const body = await res.text();
    expect(body).toContain("jobs_total 1");
    expect(body.trimEnd().endsWith("# EOF")).toBe(true);
  });

  it("mounts on a path inside a plain node:http listener", async () => {
    const metrics = prometheus();
    metrics.gauge({ name: "up", help: "Up." }).set(1);
    const scrape = metricsHandler(metrics.registry);
    const url = await serve((req, res) => {
      if (req.url === "/metrics") scrape(req, res);
      else res.writeHead(404).end();
    });
    expect((await fetch(`${url}/other`)).status).toBe(404);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(valueOf(parse(await res.text()), "up")).toBe(1);
  });
});
