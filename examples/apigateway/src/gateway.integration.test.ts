// The gateway against a real etcd on 127.0.0.1:2379 and real addsvc instances: three child
// processes (one SIGKILLed mid-load) for the load test, in-process ones for the rest.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { etcdRegistrar } from "@kit/sd-etcd";
import type { Registrar } from "@kit/sd";
import { start, type App } from "addsvc/src/app.ts";
import { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, post, recorder, runNode, spawnInstance, token, waitForOutput, waitUntil, type Instance } from "../test/support.ts";
import { gateway, type Gateway, type GatewayOptions } from "./gateway.ts";

const run = randomUUID().slice(0, 8);
const root = `/kit-test/apigateway/${run}/`;
const secret = new TextEncoder().encode("apigateway-integration-test-secret-0123456789");
const jwt: GatewayOptions["jwt"] = { key: secret, algorithms: ["HS256"], issuer: "apigateway", audience: "addsvc" };
const quiet = { log: () => undefined };

let etcd: Etcd3;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  etcd = new Etcd3({ hosts: "127.0.0.1:2379", dialTimeout: 5_000 });
  await etcd.get("kit-test/ping").string(); // fails (and so do the tests) when etcd is not running
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await etcd.delete().prefix(root);
  etcd.close();
});

/** A gateway on 127.0.0.1, closed after the tests. */
async function startGateway(options: Partial<GatewayOptions> & Pick<GatewayOptions, "prefix">): Promise<{ gw: Gateway; url: string }> {
  const gw = gateway({ etcd, jwt, logger: quiet, ...options });
  const server = await listen(gw.handler);
  cleanups.push(async () => {
    await server.close();
    await gw.close();
  });
  return { gw, url: server.url };
}

/** An in-process addsvc registered under `prefix`, deregistered and closed after the tests. */
async function addsvc(prefix: string): Promise<App> {
  const app = await start({ http: "127.0.0.1:0", logger: quiet });
  const registrar = etcdRegistrar(etcd, { key: `${prefix}${app.addr}`, value: app.url, ttl: 5 });
  await registrar.register();
  cleanups.push(async () => {
    await registrar.deregister();
    await app.close();
  });
  return app;
}

describe("three addsvc processes behind the gateway, one killed mid-load", () => {
  const prefix = `${root}load/`;
  const instances: Instance[] = [];

  afterAll(async () => {
    for (const instance of instances) if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill("SIGTERM");
    await Promise.all(instances.map((i) => i.exit));
  });

  it("answers every one of 300 calls while an instance dies, and drops it once its lease expires", { timeout: 90_000 }, async () => {
    for (let i = 0; i < 3; i++) instances.push(await spawnInstance(prefix, 3));
    const logger = recorder();
    const { gw, url } = await startGateway({ prefix, logger, retry: { max: 3, timeout: 5_000 }, rateLimit: { rate: 10_000, burst: 10_000 } });
    await waitUntil("the gateway to see 3 instances", () => gw.instances().length === 3);
    expect(gw.instances()).toEqual(instances.map((i) => i.url).sort());

    const bearer = await token(secret, "load");
    const victim = instances[0]!;
    const total = 300;
    const failures: string[] = [];
    const latencies: number[] = [];
    const latenciesAfterKill: number[] = [];
    let next = 0;
    let done = 0;
    let killedAt: number | undefined;
    let droppedAt: number | undefined;
    let afterKill = 0;
    let afterDrop = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        const began = performance.now();
        const res = await post(`${url}/addsvc/sum`, { a: i, b: 1 }, bearer).catch((err: unknown): Awaited<ReturnType<typeof post>> => ({ status: 0, body: { error: String(err) } }));
        latencies.push(performance.now() - began);
        if (killedAt !== undefined) latenciesAfterKill.push(performance.now() - began);
        if (res.status !== 200 || res.body.v !== i + 1) failures.push(`#${String(i)}: ${String(res.status)} ${JSON.stringify(res.body)}`);
        done++;
        if (killedAt !== undefined) afterKill++;
        if (droppedAt !== undefined) afterDrop++;
        if (done === 60 && killedAt === undefined) {
          victim.child.kill("SIGKILL");
          killedAt = Date.now();
        }
        if (killedAt !== undefined && droppedAt === undefined && !gw.instances().includes(victim.url)) droppedAt = Date.now();
        await sleep(100); // paced, so the load spans the kill and the lease's expiry
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    expect(failures).toEqual([]);
    expect(done).toBe(total);
    expect(await victim.exit).toBeNull(); // killed by the signal

    // etcd deletes the key when the 3 s lease runs out; the endpointers then drop the instance.
    await waitUntil("the dead instance to leave the gateway", () => !gw.instances().includes(victim.url), 20_000);
    droppedAt ??= Date.now();
    expect(gw.instances()).toEqual(instances.slice(1).map((i) => i.url).sort());
    expect(gw.endpointers.sum.endpoints()).toHaveLength(2);
    expect(gw.endpointers.concat.endpoints()).toHaveLength(2);
    // While it was still listed, its breaker opened and cut it off.
    expect(logger.lines).toContainEqual(["msg", "breaker", "state", "open", "method", "sum", "instance", victim.url]);

    const p = (values: number[], q: number): string => {
      const sorted = [...values].sort((a, b) => a - b);
      return (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
    };
    console.log(
      `apigateway load: ${String(done)} calls, ${String(failures.length)} failed; ${String(afterKill)} after the kill, ${String(afterDrop)} after the drop; ` +
        `dropped ${String(droppedAt - (killedAt ?? droppedAt))} ms after the kill; latency p50 ${p(latencies, 0.5)} ms, p99 ${p(latencies, 0.99)} ms; after the kill p50 ${p(latenciesAfterKill, 0.5)} ms, p99 ${p(latenciesAfterKill, 0.99)} ms, max ${p(latenciesAfterKill, 1)} ms`,
    );

    // And the survivors keep answering.
    await expect(post(`${url}/addsvc/concat`, { a: "still", b: "up" }, bearer)).resolves.toEqual({ status: 200, body: { v: "stillup" } });
  });
});

describe("JWT at the edge", () => {
  const prefix = `${root}auth/`;
  let url: string;

  beforeAll(async () => {
    await addsvc(prefix);
    const started = await startGateway({ prefix });
    url = started.url;
    await waitUntil("the gateway to see its instance", () => started.gw.instances().length === 1);
  });

  it("answers a valid token", async () => {
    await expect(post(`${url}/addsvc/sum`, { a: 2, b: 3 }, await token(secret, "ann"))).resolves.toEqual({ status: 200, body: { v: 5 } });
  });

  it.each([
    ["no token", undefined, "missing"],
    ["a malformed token", "not-a-jwt", "malformed"],
    ["another key's token", token(new TextEncoder().encode("some-other-secret-of-enough-length-0123"), "ann"), "bad_signature"],
    ["an expired token", token(secret, "ann", { exp: -60 }), "expired"],
    ["another audience", token(secret, "ann", { aud: "billing" }), "wrong_audience"],
  ])("refuses %s with 401 unauthenticated", async (_name, bearer, reason) => {
    const res = await post(`${url}/addsvc/sum`, { a: 2, b: 3 }, await bearer);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: "unauthenticated", details: { reason } });
  });

  it("challenges a refused caller with WWW-Authenticate, as RFC 6750 asks of a 401", async () => {
    const call = (authorization?: string): Promise<Response> =>
      fetch(`${url}/addsvc/sum`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify({ a: 2, b: 3 }),
      });
    const answers = await Promise.all([call(), call("Bearer not-a-jwt"), call("Basic YTpi")]);
    expect(answers.map((res) => [res.status, res.headers.get("www-authenticate")])).toEqual([
      [401, "Bearer"],
      [401, 'Bearer error="invalid_token"'],
      [401, 'Bearer error="invalid_request"'],
    ]);
  });

  it("passes the service's own errors through unwrapped, and refuses bad input and unknown paths", async () => {
    const bearer = await token(secret, "ann");
    await expect(post(`${url}/addsvc/sum`, { a: 0, b: 0 }, bearer)).resolves.toEqual({
      status: 400,
      body: { code: "invalid_argument", message: "can't sum two zeroes" },
    });
    expect((await post(`${url}/addsvc/sum`, { a: "1", b: 2 }, bearer)).status).toBe(400);
    expect((await post(`${url}/addsvc/nope`, { a: 1, b: 2 }, bearer)).status).toBe(404);
    const get = await fetch(`${url}/addsvc/sum`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    await get.body?.cancel();
  });
});

describe("rate limit per caller", () => {
  it("gives a caller its burst, then 429 resource_exhausted, while another caller is still served", async () => {
    const prefix = `${root}ratelimit/`;
    await addsvc(prefix);
    const { gw, url } = await startGateway({ prefix, rateLimit: { rate: 0.01, burst: 3 } });
    await waitUntil("the gateway to see its instance", () => gw.instances().length === 1);
    const ann = await token(secret, "ann");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`${url}/addsvc/sum`, { a: 1, b: 1 }, ann)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await post(`${url}/addsvc/sum`, { a: 1, b: 1 }, ann)).body).toMatchObject({ code: "resource_exhausted" });
    expect((await post(`${url}/addsvc/sum`, { a: 1, b: 1 }, await token(secret, "bob"))).status).toBe(200);
  });
});

describe("circuit breaker per instance", () => {
  it("opens on an instance that answers 503, so later calls skip it and every call succeeds", { timeout: 60_000 }, async () => {
    const prefix = `${root}breaker/`;
    await addsvc(prefix);
    await addsvc(prefix);
    let hits = 0;
    const failing = await listen((_req, res) => {
      hits++;
      res.writeHead(503, { "content-type": "text/plain" }).end("overloaded");
    });
    cleanups.push(() => failing.close());
    const registrar: Registrar = etcdRegistrar(etcd, { key: `${prefix}failing`, value: failing.url, ttl: 5 });
    await registrar.register();
    cleanups.push(() => registrar.deregister());

    const logger = recorder();
    const { gw, url } = await startGateway({ prefix, logger, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeout: 60_000 } });
    await waitUntil("the gateway to see 3 instances", () => gw.instances().length === 3);
    const bearer = await token(secret, "ann");

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await post(`${url}/addsvc/sum`, { a: i, b: 1 }, bearer)).status);
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
    expect(hits).toBe(3); // the volume threshold; then the breaker is open
    expect(logger.lines).toContainEqual(["msg", "breaker", "state", "open", "method", "sum", "instance", failing.url]);

    for (let i = 0; i < 30; i++) statuses.push((await post(`${url}/addsvc/sum`, { a: i, b: 1 }, bearer)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(hits).toBe(3); // still cut off
    // The breaker is per method too: concat has its own, still closed, which the 503s now open.
    for (let i = 0; i < 12; i++) expect((await post(`${url}/addsvc/concat`, { a: "a", b: String(i) }, bearer)).status).toBe(200);
    expect(hits).toBe(6);
  });
});

describe("the programs", () => {
  it("main.ts serves the gateway from flags and JWT_SECRET, token.ts mints a token it accepts, and SIGTERM exits 0", { timeout: 60_000 }, async () => {
    const prefix = `${root}main/`;
    await addsvc(prefix);
    const env = { JWT_SECRET: "a-secret-for-the-programs-test-0123456789" };
    const main = runNode("src/main.ts", ["--etcd", "127.0.0.1:2379", "--prefix", prefix, "--http-addr", "127.0.0.1:0"], env);
    try {
      const [, addr = ""] = await waitForOutput(main, /transport=HTTP addr=(127\.0\.0\.1:\d+)/);
      await waitForOutput(main, /msg=instances .*count=1/);
      const minted = runNode("src/token.ts", ["carol", "60"], env);
      expect(await minted.exit).toBe(0);
      const bearer = minted.output().trim();
      await expect(post(`http://${addr}/addsvc/sum`, { a: 20, b: 22 }, bearer)).resolves.toEqual({ status: 200, body: { v: 42 } });
      expect((await post(`http://${addr}/addsvc/sum`, { a: 20, b: 22 })).status).toBe(401);
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
      expect(main.output()).toMatch(/exit=SIGTERM/);
    } finally {
      main.child.kill("SIGKILL");
    }
  });

  it("main.ts refuses to start without a JWT_SECRET of 32 bytes, with exit 2", async () => {
    const main = runNode("src/main.ts", [], { JWT_SECRET: "short" });
    expect(await main.exit).toBe(2);
    expect(main.output()).toMatch(/JWT_SECRET must be set, at least 32 bytes/);
  });
});
