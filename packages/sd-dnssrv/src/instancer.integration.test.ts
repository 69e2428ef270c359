// Against a real DNS server on 127.0.0.1 (test/dns-server.ts, built with dns2, UDP, port 0),
// queried through Node's own resolver; the tests change its answers while the instancer watches.
import { randomUUID } from "node:crypto";
import { endpointer, type Factory, type InstancerEvent } from "@kit/sd";
import { until } from "@kit/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../test/dns-server.ts";
import { dnsSrvInstancer } from "./instancer.ts";

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(async () => {
  await dns.close();
});

const uniqueName = (): string => `_http._tcp.${randomUUID()}.kit.test`;
const srv = (...ports: number[]) => ({ srv: ports.map((port) => ({ target: `host-${port}.kit.test`, port })) });

function record(instancer: { subscribe(l: (e: InstancerEvent) => void): () => void }): InstancerEvent[] {
  const events: InstancerEvent[] = [];
  instancer.subscribe((event) => events.push(event));
  return events;
}

describe("dnsSrvInstancer against a DNS server", () => {
  it("reports target:port for every SRV record, and the endpointer follows within 5 s", async () => {
    const name = uniqueName();
    dns.set(name, srv(9001, 9002, 9003));
    const made: string[] = [];
    const closed: string[] = [];
    const factory: Factory<string, string> = (instance) => {
      made.push(instance);
      return { endpoint: () => Promise.resolve(instance), close: () => void closed.push(instance) };
    };
    const instancer = dnsSrvInstancer(name, { interval: 200, resolver: dns.resolver() });
    const events = record(instancer);
    const endpoints = endpointer(instancer, factory);
    try {
      await until("three endpoints", () => endpoints.endpoints().length === 3);
      expect(events[0]).toEqual({ instances: ["host-9001.kit.test:9001", "host-9002.kit.test:9002", "host-9003.kit.test:9003"] });

      dns.set(name, srv(9001, 9003)); // one instance stops
      const took = await until("the endpointer drops it", () => endpoints.endpoints().length === 2, { timeout: 5_000 });
      expect(took).toBeLessThan(5_000);
      expect(closed).toEqual(["host-9002.kit.test:9002"]);

      dns.set(name, srv(9001, 9003, 9004)); // another one starts
      await until("the endpointer adds it", () => endpoints.endpoints().length === 3, { timeout: 5_000 });
      expect(made).toEqual([...made.slice(0, 3), "host-9004.kit.test:9004"]);
      expect(events.every((event) => event.error === undefined)).toBe(true);
    } finally {
      await endpoints.close();
      instancer.stop();
    }
  });

  it("reports NXDOMAIN as an error event; the endpointer keeps the last good set until the name is back", async () => {
    const name = uniqueName();
    dns.set(name, srv(9001, 9002));
    const instancer = dnsSrvInstancer(name, { interval: 100, resolver: dns.resolver() });
    const events = record(instancer);
    const endpoints = endpointer(instancer, () => ({ endpoint: () => Promise.resolve("ok") }));
    try {
      await until("two endpoints", () => endpoints.endpoints().length === 2);
      dns.set(name, "nxdomain");
      await until("an error event", () => events.at(-1)?.error !== undefined);
      expect(events.at(-1)?.error).toMatchObject({ code: "ENOTFOUND" });
      expect(endpoints.endpoints()).toHaveLength(2);

      dns.set(name, srv(9003));
      await until("the new set arrives", () => events.at(-1)?.instances?.length === 1);
      expect(events.at(-1)).toEqual({ instances: ["host-9003.kit.test:9003"] });
      expect(endpoints.endpoints()).toHaveLength(1);
    } finally {
      await endpoints.close();
      instancer.stop();
    }
  });

  it("reports a server that does not answer as a timeout error event", async () => {
    const name = uniqueName();
    dns.set(name, "drop");
    const instancer = dnsSrvInstancer(name, { interval: 100, resolver: dns.resolver() });
    const events = record(instancer);
    try {
      await until("an error event", () => events.length > 0);
      expect(events[0]?.error).toMatchObject({ code: "ETIMEOUT" });
    } finally {
      instancer.stop();
    }
  });

  it("reports a server failure as an error event", async () => {
    const name = uniqueName();
    dns.set(name, "servfail");
    const instancer = dnsSrvInstancer(name, { interval: 100, resolver: dns.resolver() });
    const events = record(instancer);
    try {
      await until("an error event", () => events.length > 0);
      expect(events[0]?.error).toMatchObject({ code: "ESERVFAIL" });
    } finally {
      instancer.stop();
    }
  });

  it("reports a name without SRV records as no instances", async () => {
    const name = uniqueName();
    dns.set(name, srv(9001));
    const instancer = dnsSrvInstancer(name, { interval: 100, resolver: dns.resolver() });
    const events = record(instancer);
    try {
      await until("the instance", () => events.length > 0);
      dns.set(name, srv());
      await until("no instances", () => events.at(-1)?.instances?.length === 0);
      expect(events).toEqual([{ instances: ["host-9001.kit.test:9001"] }, { instances: [] }]);
    } finally {
      instancer.stop();
    }
  });

  it("asks again every interval, and no more after stop()", async () => {
    const name = uniqueName();
    dns.set(name, srv(9001));
    const instancer = dnsSrvInstancer(name, { interval: 100, resolver: dns.resolver() });
    await until("five lookups", () => dns.queries(name) >= 5);
    instancer.stop();
    const asked = dns.queries(name);
    await new Promise((resolve) => setTimeout(resolve, 600)); // six intervals
    expect(dns.queries(name)).toBeLessThanOrEqual(asked + 1); // at most the one in flight
  });
});
