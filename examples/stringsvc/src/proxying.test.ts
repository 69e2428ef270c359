import { createServer, type Server } from "node:net";
import { background, isKitError, type KitError } from "@kit/endpoint";
import { nop } from "@kit/log";
import { afterEach, describe, expect, it } from "vitest";
import { type Instance, instance } from "../test/support/instances.ts";
import { proxyingMiddleware } from "./proxying.ts";
import { stringService } from "./service.ts";

let running: Instance[] = [];
afterEach(async () => {
  await Promise.all(running.map((i) => i.close()));
  running = [];
});

async function instances(n: number): Promise<Instance[]> {
  const started = await Promise.all(Array.from({ length: n }, () => instance()));
  running.push(...started);
  return started;
}

const local = stringService();
// Go kit's 250 ms per call is too tight for many calls at once on a loaded test machine.
const roomy = { maxTime: 10_000 };

/** An instance that accepts connections and drops them at once, counting them. */
async function broken(): Promise<{ addr: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { addr: `127.0.0.1:${String(port)}`, connections: () => connections, close: () => new Promise((resolve) => server.close(() => { resolve(); })) };
}

describe("proxyingMiddleware", () => {
  it("changes nothing without instances, and logs proxy_to=none", () => {
    const lines: unknown[][] = [];
    const svc = proxyingMiddleware([], { log: (...kv: unknown[]) => lines.push(kv) })(local);
    expect(svc).toBe(local);
    expect(lines).toEqual([["proxy_to", "none"]]);
  });

  it("sends uppercase to the instances in turn and counts locally", async () => {
    const three = await instances(3);
    const svc = proxyingMiddleware(three.map((i) => i.addr), nop(), roomy)(local);
    for (let i = 0; i < 9; i++) expect(await svc.uppercase(background(), `s${String(i)}`)).toBe(`S${String(i)}`);
    expect(three.map((i) => i.hits())).toEqual([3, 3, 3]);
    expect(await svc.count(background(), "hello")).toBe(5);
    expect(three.map((i) => i.hits())).toEqual([3, 3, 3]);
  });

  it("answers every call while an instance is down, retrying on another", async () => {
    const three = await instances(3);
    const svc = proxyingMiddleware(three.map((i) => i.addr), nop(), roomy)(local);
    await three[1]?.close();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => svc.uppercase(background(), `x${String(i)}`)));
    expect(answers).toEqual(Array.from({ length: 30 }, (_, i) => `X${String(i)}`));
  });

  it("opens the breaker of an instance after more than 5 failures in a row (gobreaker's default), so it is no longer called", async () => {
    const dead = await broken();
    const [healthy] = await instances(1);
    try {
      const svc = proxyingMiddleware([dead.addr, healthy?.addr ?? ""], nop(), roomy)(local);
      for (let i = 0; i < 40; i++) expect(await svc.uppercase(background(), "a")).toBe("A");
      expect(dead.connections()).toBe(6);
      expect(healthy?.hits()).toBe(40);
    } finally {
      await dead.close();
    }
  });

  it("fails an empty string with the instance's error, without retrying it elsewhere", async () => {
    const three = await instances(3);
    const svc = proxyingMiddleware(three.map((i) => i.addr), nop(), roomy)(local);
    const err: unknown = await svc.uppercase(background(), "").catch((e: unknown) => e);
    expect(isKitError(err) && [err.code, err.message]).toEqual(["invalid_argument", "empty string"]);
    expect(three.map((i) => i.hits()).reduce((a, b) => a + b)).toBe(1);
  });

  it("fails with unavailable when no instance answers, after 3 attempts", async () => {
    const three = await instances(3);
    const svc = proxyingMiddleware(three.map((i) => i.addr), nop())(local);
    await Promise.all(three.map((i) => i.close()));
    const err: unknown = await svc.uppercase(background(), "x").catch((e: unknown) => e);
    expect(isKitError(err) && err.code).toBe("unavailable");
    expect(isKitError(err) && err.details?.attempts).toHaveLength(3);
  });

  it("refuses what is over 100 requests a second to one instance with resource_exhausted", async () => {
    const [only] = await instances(1);
    const svc = proxyingMiddleware([only?.addr ?? ""], nop(), roomy)(local);
    const began = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 150 }, () => svc.uppercase(background(), "a")));
    const seconds = (performance.now() - began) / 1000;
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r.reason as KitError).code);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(["resource_exhausted"]));
    // A burst of 100, then 100 a second.
    expect(only?.hits()).toBeLessThanOrEqual(100 + Math.ceil(seconds * 100) + 1);
    expect(only?.hits()).toBe(150 - refused.length);
  });
});
