import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, type KitError } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proxy, type ProxyOptions } from "./proxy.ts";

/** What the upstream saw of each request. */
interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const seen: Seen[] = [];
const servers: http.Server[] = [];
let aborted = 0;
let stalls = 0;

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler).listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The upstream: echoes a request, or streams, stalls, or answers with hop-by-hop headers, by path. */
const upstream: http.RequestListener = (req, res) => {
  if (req.url?.startsWith("/api/echo-stream") === true) {
    res.writeHead(200, { "content-type": "text/plain" });
    req.on("data", (chunk: Buffer) => res.write(chunk)); // each chunk back as it comes
    req.on("end", () => res.end());
    return;
  }
  if (req.url?.startsWith("/api/stall") === true) {
    req.resume();
    stalls += 1;
    res.on("close", () => {
      if (!res.writableFinished) aborted += 1;
    });
    return; // never answers
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    seen.push({ url: req.url ?? "", method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.writeHead(201, { "content-type": "text/plain", connection: "x-hop, keep-alive", "x-hop": "secret", "keep-alive": "timeout=5", "x-end-to-end": "yes" }).end("created");
  });
};

let target = "";
let front = "";
const handled: KitError[] = [];

async function front_(options: ProxyOptions = {}, to = target): Promise<string> {
  return listen(proxy(to, { errorHandler: { handle: (_ctx, err) => handled.push(err) }, ...options }));
}

beforeAll(async () => {
  target = `${await listen(upstream)}/api`;
  front = await front_();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("proxy", () => {
  it("forwards method, path, query and body to the target, and the answer back", async () => {
    const response = await fetch(`${front}/v1/items?sku=a&n=2`, { method: "PUT", body: "hello", headers: { "x-request-id": "r-1" } });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("created");
    expect(seen.at(-1)).toMatchObject({ url: "/api/v1/items?sku=a&n=2", method: "PUT", body: "hello", headers: { "x-request-id": "r-1" } });
  });

  it("removes hop-by-hop headers both ways, and any header Connection names", async () => {
    const address = new URL(front);
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: address.hostname, port: address.port, path: "/x", method: "POST", headers: { connection: "keep-alive, x-private", "x-private": "1", "proxy-authorization": "Basic eA==", te: "trailers", "x-kept": "yes" } }, resolve);
      req.on("error", reject);
      req.end("body");
    });
    answer.resume();
    const up = seen.at(-1)?.headers ?? {};
    expect([up["x-private"], up["proxy-authorization"], up.te, up["x-kept"]]).toEqual([undefined, undefined, undefined, "yes"]);
    expect([answer.headers["x-hop"], answer.headers["x-end-to-end"]]).toEqual([undefined, "yes"]);
  });

  it("sets X-Forwarded-For, -Host and -Proto, and Host to the target's", async () => {
    await fetch(`${front}/who`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    const headers = seen.at(-1)?.headers ?? {};
    expect(headers["x-forwarded-for"]).toBe("203.0.113.7, 127.0.0.1");
    expect(headers["x-forwarded-host"]).toBe(new URL(front).host);
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers.host).toBe(new URL(target).host);
  });

  it("forwards what is left of kit-timeout, and trace context as it came", async () => {
    await fetch(`${front}/traced`, { headers: { "kit-timeout": "2000", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "kit=1" } });
    const headers = seen.at(-1)?.headers ?? {};
    expect(Number(headers["kit-timeout"])).toBeGreaterThan(1_500);
    expect(Number(headers["kit-timeout"])).toBeLessThanOrEqual(2_000);
    expect([headers.traceparent, headers.tracestate]).toEqual(["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "kit=1"]);
  });

  it("streams both ways: the first chunk comes back before the request body has ended", async () => {
    const address = new URL(front);
    const req = http.request({ host: address.hostname, port: address.port, path: "/echo-stream", method: "POST" });
    req.write("first;");
    const answer = (await once(req, "response")) as [http.IncomingMessage];
    const [first] = (await once(answer[0], "data")) as [Buffer];
    expect(first.toString()).toBe("first;"); // echoed while the request is still open
    const rest: Buffer[] = [];
    answer[0].on("data", (chunk: Buffer) => rest.push(chunk));
    req.end("second");
    await once(answer[0], "end");
    expect(Buffer.concat(rest).toString()).toBe("second");
  });

  it("answers 502 unavailable when the target cannot be reached", async () => {
    const dead = await front_({}, "http://127.0.0.1:1");
    const response = await fetch(`${dead}/x`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: Code.Unavailable });
  });

  it("answers 504 deadline_exceeded when the target does not answer in time, and lets go of it", async () => {
    const before = aborted;
    const started = Date.now();
    const response = await fetch(`${front}/stall`, { headers: { "kit-timeout": "200" } });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => aborted).toBe(before + 1);
    const bounded = await front_({ timeout: 200 });
    expect((await fetch(`${bounded}/stall`)).status).toBe(504);
  });

  it("cancels the upstream request when the client goes away", async () => {
    const [before, reached] = [aborted, stalls];
    const controller = new AbortController();
    const pending = fetch(`${front}/stall`, { signal: controller.signal }).catch(() => undefined);
    await expect.poll(() => stalls).toBe(reached + 1); // the upstream has the request
    controller.abort();
    await pending;
    await expect.poll(() => aborted).toBe(before + 1);
  });

  it("runs before, after and finalizer hooks, in order", async () => {
    const events: string[] = [];
    const hooked = await front_({
      before: [(ctx, out) => { out.headers["x-via"] = "kit"; out.url.pathname += "-v2"; events.push("before"); return ctx; }],
      after: [(ctx, up, headers) => { headers["x-upstream-status"] = String(up.statusCode); events.push("after"); return ctx; }],
      finalizer: [(_ctx, outcome) => { events.push(`finalizer ${outcome.status}`); }],
    });
    const response = await fetch(`${hooked}/hooked`);
    expect(response.headers.get("x-upstream-status")).toBe("201");
    expect(seen.at(-1)).toMatchObject({ url: "/api/hooked-v2", headers: { "x-via": "kit" } });
    await expect.poll(() => events).toEqual(["before", "after", "finalizer 201"]);
  });
});
