// start() and close(): the wiring, the metrics at /metrics, and a graceful shutdown.
import { once } from "node:events";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { background } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { describe, expect, it } from "vitest";
import { start } from "../src/app.ts";
import { httpClient } from "../src/demo-clients.ts";
import { raw, recorder, type RawResponse } from "./support.ts";

/** Everything the server sends on `socket` until it closes the connection (at most 5 s). */
async function readAll(socket: net.Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await Promise.race([once(socket, "close"), delay(5_000).then(() => { throw new Error("connection still open after 5 s"); })]);
  return Buffer.concat(chunks).toString("utf8");
}

describe("start", () => {
  it("listens on 127.0.0.1 and reports its address and URL", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    try {
      expect(app.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(app.url).toBe(`http://${app.addr}`);
    } finally {
      await app.close();
    }
  });

  it("serves the endpoints' metrics at GET /metrics, in the Prometheus text format, named addsvc_*", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    let res: RawResponse;
    try {
      const svc = httpClient(app.url);
      await svc.sum(background(), 1, 2);
      await svc.concat(background(), "a", "b");
      await expect(svc.sum(background(), 0, 0)).rejects.toMatchObject({ code: "invalid_argument" });
      res = await raw(`${app.url}/metrics`, { method: "GET" });
    } finally {
      await app.close();
    }
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = res.body;
    expect(text).toContain("# TYPE addsvc_requests_total counter\n");
    expect(text).toContain('addsvc_requests_total{endpoint="sum",code="ok"} 1\n');
    expect(text).toContain('addsvc_requests_total{endpoint="concat",code="ok"} 1\n');
    // A business error travels in the response, but is counted under its own code.
    expect(text).toContain('addsvc_requests_total{endpoint="sum",code="invalid_argument"} 1\n');
    expect(text).toContain("# TYPE addsvc_request_duration_seconds histogram\n");
    expect(text).toContain('addsvc_request_duration_seconds_count{endpoint="sum",code="ok"} 1\n');
    expect(text).toContain('addsvc_request_duration_seconds_count{endpoint="concat",code="ok"} 1\n');
    expect(text).toContain('addsvc_request_duration_seconds_count{endpoint="sum",code="invalid_argument"} 1\n');
    expect(text).toMatch(/^addsvc_request_duration_seconds_bucket\{le="\+Inf",endpoint="sum",code="ok"\} 1$/m);
    expect(text).toContain("# TYPE addsvc_requests_in_flight gauge\n");
    expect(text).toContain('addsvc_requests_in_flight{endpoint="sum"} 0\n');
    expect(text).toContain('addsvc_requests_in_flight{endpoint="concat"} 0\n');
  });

  it("answers /metrics only to GET and HEAD, as metricsHandler does, and exposes the provider it records on", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    try {
      const post = await raw(`${app.url}/metrics`, { body: "" });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe("GET, HEAD");
      expect((await raw(`${app.url}/metrics`, { method: "HEAD" })).status).toBe(200);
      expect("registry" in app.metrics).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("records on the provider it is given: memory() values read directly, and no /metrics without a registry", async () => {
    const metrics = memory();
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder(), metrics });
    try {
      expect(app.metrics).toBe(metrics);
      const svc = httpClient(app.url);
      await svc.sum(background(), 1, 2);
      await svc.sum(background(), 2, 3);
      await svc.sum(background(), 0, 0).catch(() => undefined);
      await svc.concat(background(), "a", "b");
      await svc.concat(background(), "hello", "world!").catch(() => undefined);
      expect((await raw(`${app.url}/metrics`, { method: "GET" })).status).toBe(404);
    } finally {
      await app.close();
    }
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(2);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "out_of_range" })).toBe(1);
    const sumOk = metrics.histogramValue("request_duration_seconds", { endpoint: "sum", code: "ok" });
    expect(sumOk?.count).toBe(2);
    expect(sumOk?.sum).toBeGreaterThan(0);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
    expect(metrics.value("requests_in_flight", { endpoint: "concat" })).toBe(0);
  });

  it("fails when the port is taken", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    try {
      const port = Number(new URL(app.url).port);
      await expect(start({ http: `127.0.0.1:${String(port)}`, grpc: "127.0.0.1:0", logger: recorder() })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await app.close();
    }
  });
});

describe("close", () => {
  it("stops accepting, finishes the request in flight, then closes its connection", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    const socket = net.connect(Number(new URL(app.url).port), "127.0.0.1");
    await once(socket, "connect");
    const response = readAll(socket);
    // A request whose body is still on its way when the shutdown starts.
    socket.write('POST /sum HTTP/1.1\r\nhost: addsvc\r\ncontent-length: 13\r\n\r\n{"a":1,');
    await delay(100);

    let closed = false;
    const closing = app.close().then(() => { closed = true; });
    await delay(50);
    expect(closed).toBe(false);
    await expect(raw(`${app.url}/sum`, { body: '{"a":1,"b":2}' })).rejects.toThrow(/ECONNREFUSED/);

    socket.write('"b":2}');
    const text = await response;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.toLowerCase()).toContain("connection: close");
    expect(text.endsWith('{"v":3}\n')).toBe(true);
    await closing;
    expect(closed).toBe(true);
  });

  it("cuts off what is still open after the grace period", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder(), graceMs: 200 });
    const socket = net.connect(Number(new URL(app.url).port), "127.0.0.1");
    await once(socket, "connect");
    const response = readAll(socket);
    socket.write('POST /sum HTTP/1.1\r\nhost: addsvc\r\ncontent-length: 13\r\n\r\n{"a":1,'); // never finished
    await delay(100);
    const began = Date.now();
    await app.close();
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(await response).not.toContain("200 OK");
  });

  it("returns the same promise when called again", async () => {
    const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: recorder() });
    const first = app.close();
    expect(app.close()).toBe(first);
    await first;
  });
});
