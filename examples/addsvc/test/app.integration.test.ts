// start() and close(): the wiring, the latency middleware's summary, and a graceful shutdown.
import { once } from "node:events";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { background } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { durationSummary, start } from "../src/app.ts";
import { httpClient } from "../src/http.ts";
import { raw, recorder } from "./support.ts";

/** Everything the server sends on `socket` until it closes the connection (at most 5 s). */
async function readAll(socket: net.Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await Promise.race([once(socket, "close"), delay(5_000).then(() => { throw new Error("connection still open after 5 s"); })]);
  return Buffer.concat(chunks).toString("utf8");
}

describe("start", () => {
  it("listens on 127.0.0.1 and reports its address and URL", async () => {
    const app = await start({ port: 0, logger: recorder() });
    try {
      expect(app.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(app.url).toBe(`http://${app.addr}`);
    } finally {
      await app.close();
    }
  });

  it("feeds the latency middleware: one observation per call, by method and success", async () => {
    const duration = durationSummary();
    const app = await start({ port: 0, logger: recorder(), duration });
    try {
      const svc = httpClient(app.url);
      await svc.sum(background(), 1, 2);
      await svc.sum(background(), 0, 0).catch(() => undefined);
      await svc.concat(background(), "a", "b");
    } finally {
      await app.close();
    }
    const rows = duration.rows();
    expect(rows.map(({ method, success, count }) => ({ method, success, count }))).toEqual([
      { method: "Sum", success: "true", count: 2 }, // a business error is a success, as in Go kit
      { method: "Concat", success: "true", count: 1 },
    ]);
    for (const row of rows) expect(row.sumSeconds).toBeGreaterThan(0);
  });

  it("fails when the port is taken", async () => {
    const app = await start({ port: 0, logger: recorder() });
    try {
      const port = Number(new URL(app.url).port);
      await expect(start({ port, logger: recorder() })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await app.close();
    }
  });
});

describe("close", () => {
  it("stops accepting, finishes the request in flight, then closes its connection", async () => {
    const app = await start({ port: 0, logger: recorder() });
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
    expect(text.endsWith('{"v":3}')).toBe(true);
    await closing;
    expect(closed).toBe(true);
  });

  it("cuts off what is still open after the grace period", async () => {
    const app = await start({ port: 0, logger: recorder(), shutdownGraceMs: 200 });
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
    const app = await start({ port: 0, logger: recorder() });
    const first = app.close();
    expect(app.close()).toBe(first);
    await first;
  });
});
