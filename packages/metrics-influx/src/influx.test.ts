import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type InfluxDb, influxdb, parse, parseBody, settle } from "../test/support/influxdb.ts";
import { influx, type InfluxProvider } from "./influx.ts";
import type { InfluxOptions } from "./options.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function server(): Promise<InfluxDb> {
  const db = await influxdb();
  cleanup.push(() => db.close());
  return db;
}

function start(options: InfluxOptions): InfluxProvider {
  const metrics = influx({ flushInterval: 0, ...options });
  cleanup.push(() => metrics.stop());
  return metrics;
}

const v2 = (db: InfluxDb, more: Partial<InfluxOptions> = {}): InfluxOptions =>
  ({ url: db.url, org: "acme", bucket: "svc", token: "s3cr3t", ...more }) as InfluxOptions;

describe("influx over HTTP (v2 write API)", () => {
  it("POSTs line protocol to /api/v2/write with the token, one point per series", async () => {
    const db = await server();
    const metrics = start(v2(db, { prefix: "addsvc_", tags: { region: "eu" } }));
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    requests.with({ method: "sum", code: "ok" }).add(1);
    requests.with({ method: "sum", code: "ok" }).add(2);
    metrics.gauge({ name: "queued", help: "Q." }).set(12.5);
    const latency = metrics.histogram({ name: "latency_seconds", help: "L.", labels: ["method"] });
    for (let i = 1; i <= 100; i++) latency.with({ method: "sum" }).observe(i / 100);

    const before = Date.now();
    await metrics.flush();
    const after = Date.now();
    const [write] = await db.waitFor(1);
    expect(write?.method).toBe("POST");
    expect(write?.url).toBe("/api/v2/write?org=acme&bucket=svc&precision=ms");
    expect(write?.headers.authorization).toBe("Token s3cr3t");
    expect(write?.headers["content-type"]).toBe("text/plain; charset=utf-8");
    const points = db.points();
    expect(points.map(({ measurement, tags, fields }) => ({ measurement, tags, fields }))).toEqual([
      { measurement: "addsvc_requests_total", tags: { code: "ok", method: "sum", region: "eu" }, fields: { count: 3 } },
      { measurement: "addsvc_queued", tags: { region: "eu" }, fields: { value: 12.5 } },
      {
        measurement: "addsvc_latency_seconds",
        tags: { method: "sum", region: "eu" },
        fields: { count: 100, sum: 50.5, p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 },
      },
    ]);
    expect(write?.body.split("\n")[0]).toMatch(/^addsvc_requests_total,code=ok,method=sum,region=eu count=3 \d{13}$/);
    for (const p of points) {
      expect(p.timestamp).toBeGreaterThanOrEqual(before);
      expect(p.timestamp).toBeLessThanOrEqual(after);
    }
  });

  it("escapes commas, spaces and equals signs in tags, and line breaks, per the spec", async () => {
    const db = await server();
    const metrics = start(v2(db, { tags: { "host name": "a,b" } }));
    const c = metrics.counter({ name: "rpc:calls", help: "C.", labels: ["path", "note", "empty"] });
    c.with({ path: "/a b,c=d", note: 'say "hi"\nthere', empty: "" }).add(1);
    await metrics.flush();
    const [write] = await db.waitFor(1);
    expect(write?.body).toMatch(/^rpc:calls,host\\ name=a\\,b,note=say\\ "hi"\\ there,path=\/a\\ b\\,c\\=d count=1 \d+\n$/);
    expect(db.points()[0]?.tags).toEqual({ "host name": "a,b", note: 'say "hi" there', path: "/a b,c=d" });
  });

  it("writes only what changed since the last flush, counters as deltas", async () => {
    const db = await server();
    const metrics = start(v2(db));
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    const up = metrics.gauge({ name: "up", help: "U." });
    const lat = metrics.histogram({ name: "lat", help: "L." });
    jobs.add(2);
    up.set(1);
    lat.observe(3);
    await metrics.flush();
    await metrics.flush(); // nothing changed: no request
    jobs.add(5);
    up.add(1);
    await metrics.flush();
    await db.waitFor(2);
    await settle();
    expect(db.writes).toHaveLength(2);
    expect(db.points().map((p) => `${p.measurement} ${JSON.stringify(p.fields)}`)).toEqual([
      'jobs {"count":2}',
      'up {"value":1}',
      'lat {"count":1,"sum":3,"p50":3,"p90":3,"p95":3,"p99":3}',
      'jobs {"count":5}',
      'up {"value":2}',
    ]);
  });

  it("takes chosen percentiles as pNN fields and skips non-finite values", async () => {
    const db = await server();
    const metrics = start(v2(db, { percentiles: [0.5, 0.999] }));
    const lat = metrics.histogram({ name: "lat", help: "L." });
    for (let i = 1000; i >= 1; i--) lat.observe(i);
    lat.observe(NaN);
    metrics.counter({ name: "c", help: "C." }).add(Infinity);
    metrics.gauge({ name: "g", help: "G." }).set(-Infinity);
    await metrics.flush();
    await db.waitFor(1);
    expect(db.points().map((p) => p.fields)).toEqual([{ count: 1000, sum: 500500, p50: 500, p999: 999 }]);
  });

  it("splits a flush into requests of at most batchSize lines", async () => {
    const db = await server();
    const metrics = start(v2(db, { batchSize: 2 }));
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    for (let i = 0; i < 5; i++) c.with({ n: String(i) }).add(i + 1);
    await metrics.flush();
    const writes = await db.waitFor(3);
    expect(writes.map((w) => parseBody(w.body).map((p) => p.fields.count))).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe("influx write failures", () => {
  it("reports a 500 to onError, keeps the batch and sends it first on the next flush", async () => {
    const db = await server();
    const errors: Error[] = [];
    const metrics = start(v2(db, { onError: (e) => errors.push(e) }));
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    db.failNext(500);
    jobs.add(1);
    await expect(metrics.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^influx: writing 1 lines to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/write\?org=acme&bucket=svc&precision=ms failed: 500 Internal Server Error: .*boom.*; kept for the next flush$/),
    ]);
    jobs.add(2);
    await metrics.flush();
    const writes = await db.waitFor(2);
    expect(writes.map((w) => w.status)).toEqual([500, 204]);
    const delivered = db.points();
    expect(delivered.map((p) => p.fields.count)).toEqual([1, 2]);
    expect(delivered[0]!.timestamp).toBeLessThanOrEqual(delivered[1]!.timestamp);
  });

  it("drops a batch the server refuses with a 400, and reports it", async () => {
    const db = await server();
    const errors: Error[] = [];
    const metrics = start(v2(db, { onError: (e) => errors.push(e) }));
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    db.failNext(400);
    jobs.add(1);
    await metrics.flush();
    jobs.add(2);
    await metrics.flush();
    await db.waitFor(2);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/failed: 400 Bad Request: .*; dropped$/)]);
    expect(db.points().map((p) => p.fields.count)).toEqual([2]);
  });

  it("keeps at most maxBufferedLines while the server fails, dropping the oldest", async () => {
    const db = await server();
    const errors: Error[] = [];
    const metrics = start(v2(db, { maxBufferedLines: 2, onError: (e) => errors.push(e) }));
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    db.failNext(503, 503, 503);
    for (const n of [1, 2, 3]) {
      jobs.add(n);
      await metrics.flush();
    }
    jobs.add(4);
    await metrics.flush();
    await db.waitFor(4);
    expect(db.writes.map((w) => parseBody(w.body).map((p) => p.fields.count))).toEqual([[1], [1, 2], [2, 3], [3, 4]]);
    expect(errors.filter((e) => e.message.includes("dropped the"))).toHaveLength(2);
    expect(db.points().map((p) => p.fields.count)).toEqual([3, 4]);
  });

  it("stops at the first failed request of a flush and keeps it and the rest", async () => {
    const db = await server();
    const metrics = start(v2(db, { batchSize: 1 }));
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    for (const n of ["a", "b", "c"]) c.with({ n }).add(1);
    db.failNext(204, 500);
    await metrics.flush(); // a delivered, b failed, c not tried
    await metrics.flush(); // b, then c
    await db.waitFor(4);
    expect(db.writes.map((w) => `${String(w.status)} ${parseBody(w.body)[0]?.tags.n ?? ""}`)).toEqual(["204 a", "500 b", "204 b", "204 c"]);
  });

  it("reports an unreachable server and never throws", async () => {
    const gone = await influxdb();
    const url = gone.url;
    await gone.close();
    const errors: Error[] = [];
    const metrics = start({ url, org: "o", bucket: "b", onError: (e) => errors.push(e), timeout: 5000 });
    metrics.gauge({ name: "up", help: "U." }).set(1);
    await expect(metrics.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^influx: writing 1 lines to .* failed: fetch failed: .*ECONNREFUSED/);
  });
});

describe("influx over HTTP (v1 write API)", () => {
  it("POSTs to /write?db=&rp= with basic authentication, keeping a base path", async () => {
    const db = await server();
    const metrics = start({ url: `${db.url}/influx/`, db: "svc", rp: "week", username: "kit", password: "pw" });
    metrics.gauge({ name: "up", help: "U." }).set(1);
    await metrics.flush();
    const [write] = await db.waitFor(1);
    expect(write?.url).toBe("/influx/write?db=svc&rp=week&precision=ms");
    expect(write?.headers.authorization).toBe(`Basic ${Buffer.from("kit:pw").toString("base64")}`);
    expect(db.points()[0]?.fields).toEqual({ value: 1 });
  });
});

describe("influx over UDP", () => {
  it("sends lines with nanosecond timestamps, packed into datagrams up to maxPacketBytes", async () => {
    const socket = createSocket("udp4");
    const datagrams: string[] = [];
    socket.on("message", (m) => datagrams.push(m.toString("utf8")));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => socket.close(() => { resolve(); })));
    const metrics = start({ udp: { port: socket.address().port }, maxPacketBytes: 60 });
    const c = metrics.counter({ name: "c", help: "C.", labels: ["n"] });
    for (let i = 0; i < 4; i++) c.with({ n: String(i) }).add(1);
    const before = Date.now();
    await metrics.flush();
    for (let i = 0; i < 100 && datagrams.length < 4; i++) await settle(20);
    const lines = datagrams.flatMap((d) => d.split("\n").filter((l) => l !== ""));
    expect(lines.map((l) => parse(l).tags.n)).toEqual(["0", "1", "2", "3"]);
    for (const d of datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(60);
    expect(datagrams.length).toBeGreaterThan(1);
    const ns = / (\d+)$/.exec(lines[0]!)?.[1] ?? ""; // beyond 2^53: compared as milliseconds + "000000"
    expect(ns).toMatch(/^\d{13}000000$/);
    const ms = Number(ns.slice(0, -6));
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });
});

describe("influx flushing and options", () => {
  it("flushes on the interval with an unref'd timer, and stop() flushes the rest", async () => {
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    const db = await server();
    const metrics = start(v2(db, { flushInterval: 20 }));
    expect(setIntervalSpy).toHaveBeenCalledWith(expect.any(Function), 20);
    expect((setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    const jobs = metrics.counter({ name: "jobs", help: "J." });
    jobs.add(1);
    await db.waitFor(1); // no flush() call: the interval wrote it
    jobs.add(2);
    await metrics.stop();
    jobs.add(3);
    await metrics.flush();
    await settle();
    expect(db.points().map((p) => p.fields.count)).toEqual([1, 2]);
  });

  it("rejects bad options", () => {
    expect(() => influx({ url: "not a url", org: "o", bucket: "b" })).toThrow(/absolute URL/);
    expect(() => influx({ url: "http://x" } as InfluxOptions)).toThrow(/org and bucket/);
    expect(() => influx({ url: "http://x", org: "o", bucket: "b", batchSize: 0 })).toThrow(RangeError);
    expect(() => influx({ url: "http://x", db: "d", flushInterval: -1 })).toThrow(RangeError);
    expect(() => influx({ udp: { port: 70000 } })).toThrow(RangeError);
    expect(() => influx({ udp: {}, percentiles: [0] })).toThrow(/percentile 0/);
  });
});
