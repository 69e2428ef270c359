import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { listen } from "./listen.ts";

function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.end("hello");
}

describe("listen", () => {
  it("serves the handler on a free port and gives its address and URL", async () => {
    const server = await listen(hello, { host: "127.0.0.1", port: 0 });
    try {
      expect(server.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.url).toBe(`http://${server.addr}`);
      expect(await (await fetch(server.url)).text()).toBe("hello");
    } finally {
      await server.close();
    }
  });

  it("rejects when the port is taken", async () => {
    const first = await listen(hello, { host: "127.0.0.1", port: 0 });
    try {
      const port = Number(first.addr.split(":")[1]);
      await expect(listen(hello, { host: "127.0.0.1", port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await first.close();
    }
  });

  it("lets a request in flight finish on close, with its connection closed, and then takes no more", async () => {
    let started = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (started = resolve));
    const server = await listen((_req, res) => {
      started();
      setTimeout(() => res.end("late"), 200);
    }, { host: "127.0.0.1", port: 0 });
    const answer = fetch(server.url);
    await arrived;
    const closed = server.close();
    expect(server.close()).toBe(closed);
    const response = await answer;
    expect([await response.text(), response.headers.get("connection")]).toEqual(["late", "close"]);
    await closed;
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it("cuts a request still open after the grace period", async () => {
    const server = await listen(() => undefined, { host: "127.0.0.1", port: 0, graceMs: 100 });
    const answer = fetch(server.url).then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = Date.now();
    await server.close();
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(await answer).toBe("cut");
  });
});
