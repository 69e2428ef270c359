// The bytes on the wire, pinned to Go kit's: HTTP bodies as Go's json.Encoder writes them, any
// method and content-type; NATS replies as Go kit's natstransport gives them to a Go kit
// publisher (a request with no headers); the queue group sharing requests between instances.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { background } from "@kit/endpoint";
import { nop } from "@kit/log";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpHandler } from "../src/http.ts";
import { natsEndpoints, type NatsNames, serveNats } from "../src/nats.ts";
import { type StringService, stringService } from "../src/service.ts";
import { type Instance, instance } from "./support/instances.ts";
import { raw } from "./support/raw.ts";

describe("HTTP wire", () => {
  let svc: Instance;
  beforeAll(async () => {
    svc = await instance();
  });
  afterAll(() => svc.close());

  it.each([
    ["/uppercase", '{"s":"hello"}', '{"v":"HELLO"}\n'],
    ["/uppercase", '{"s":""}', '{"v":"","err":"empty string"}\n'],
    ["/uppercase", "{}", '{"v":"","err":"empty string"}\n'],
    ["/count", '{"s":"hello"}', '{"v":5}\n'],
    ["/count", '{"s":"hello, world"}', '{"v":12}\n'],
  ])("answers %s %s with 200 and Go's bytes", async (path, body, answer) => {
    const res = await raw(`http://${svc.addr}${path}`, { body });
    expect([res.status, res.headers["content-type"], res.body]).toEqual([200, "application/json; charset=utf-8", answer]);
  });

  it("takes any method and content-type, as Go kit's handlers: a GET with a body, a form type, none", async () => {
    const body = '{"s":"hi"}';
    const answers = await Promise.all([
      raw(`http://${svc.addr}/uppercase`, { method: "GET", body }),
      raw(`http://${svc.addr}/uppercase`, { method: "PUT", headers: { "content-type": "application/x-www-form-urlencoded" }, body }),
      raw(`http://${svc.addr}/uppercase`, { headers: { "content-type": "text/plain" }, body }),
    ]);
    expect(answers.map((r) => [r.status, r.body])).toEqual(Array.from({ length: 3 }, () => [200, '{"v":"HI"}\n']));
  });

  it("refuses a body that is not JSON, or an s that is not a string, with 400 invalid_argument", async () => {
    const answers = await Promise.all(["nope", '{"s":5}', "[1]"].map((body) => raw(`http://${svc.addr}/count`, { body })));
    expect(answers.map((r) => [r.status, (JSON.parse(r.body) as { code: string }).code])).toEqual(Array.from({ length: 3 }, () => [400, "invalid_argument"]));
  });

  it("answers another path 404", async () => {
    expect((await raw(`http://${svc.addr}/nope`, { body: "{}" })).status).toBe(404);
  });
});

describe("NATS wire", () => {
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const run = randomUUID().slice(0, 8);
  const names: NatsNames = { uppercase: `stringsvc-${run}.uppercase`, count: `stringsvc-${run}.count`, queue: `stringsvc-${run}` };
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: url }).catch((err: unknown) => {
      throw new Error(`NATS is needed on ${url} (bash scripts/services.sh start): ${String(err)}`);
    });
  });
  afterAll(() => nc.close());

  it("answers a bare request, as a Go kit publisher sends it, with Go kit's JSON", async () => {
    const served = serveNats(nc, stringService(), nop(), names);
    try {
      const reply = async (subject: string, body: string): Promise<string> => (await nc.request(subject, body, { timeout: 5_000 })).string();
      expect(await reply(names.uppercase, '{"s":"hello"}')).toBe('{"v":"HELLO"}');
      expect(await reply(names.uppercase, '{"s":""}')).toBe('{"v":"","err":"empty string"}');
      expect(await reply(names.count, '{"s":"hello"}')).toBe('{"v":5}');
    } finally {
      await served.close();
    }
  });

  it("is reached through the HTTP front-end's NATS publishers", async () => {
    const served = serveNats(nc, stringService(), nop(), names);
    try {
      const endpoints = natsEndpoints(nc, names);
      expect(await endpoints.uppercase(background(), { s: "hi" })).toEqual({ v: "HI" });
      expect(await endpoints.count(background(), { s: "hi" })).toEqual({ v: 2 });
    } finally {
      await served.close();
    }
  });

  it("has the HTTP front-end answer 503 unavailable when no instance serves the subjects (NATS: no responders)", async () => {
    const server = http.createServer(httpHandler(natsEndpoints(nc, names), nop()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await raw(`http://127.0.0.1:${String(port)}/uppercase`, { body: '{"s":"anyone?"}' });
      expect([res.status, (JSON.parse(res.body) as { code: string }).code]).toEqual([503, "unavailable"]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("shares the requests between the instances of the queue group, each answered once", async () => {
    const hits = { a: 0, b: 0 };
    const counting = (who: "a" | "b"): StringService => ({
      ...stringService(),
      count: (_ctx, s) => {
        hits[who]++;
        return Promise.resolve(s.length);
      },
    });
    const a = serveNats(nc, counting("a"), nop(), names);
    const b = serveNats(nc, counting("b"), nop(), names);
    try {
      const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => nc.request(names.count, JSON.stringify({ s: "x".repeat(i) }), { timeout: 5_000 })));
      expect(replies.map((r) => r.string())).toEqual(Array.from({ length: 60 }, (_, i) => JSON.stringify({ v: i })));
      expect(hits.a + hits.b).toBe(60);
      expect(Math.min(hits.a, hits.b)).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
