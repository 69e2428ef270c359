// The README's example against the test DNS server (its address instead of 10.0.0.2:8600).
import { background } from "@kit/endpoint";
import { endpointer, type Factory, retry, roundRobin } from "@kit/sd";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { dnsSrvInstancer } from "../src/index.ts";
import { startDnsServer, until } from "./dns-server.ts";

describe("README example", () => {
  it("balances over the targets of the SRV records", async () => {
    const dns = await startDnsServer();
    dns.set("_http._tcp.sum.service.consul", { srv: [{ target: "10.0.0.7", port: 8080 }] });
    try {
      const resolver = dns.resolver(); // new Resolver({ timeout: 2_000, tries: 2 }) and setServers([...])
      const factory: Factory<{ a: number; b: number }, string> = (instance) => ({
        endpoint: (_ctx, { a, b }) => Promise.resolve(`${instance}: ${a + b}`), // an HTTP or gRPC client in real life
      });
      const instancer = dnsSrvInstancer("_http._tcp.sum.service.consul", { interval: 5_000, resolver });
      const endpoints = endpointer(instancer, factory);
      const sum = retry(3, 2_000, roundRobin(endpoints));

      await until("the instance is seen", () => endpoints.endpoints().length === 1); // the README skips this wait
      expect(await sum(background(), { a: 1, b: 2 })).toBe("10.0.0.7:8080: 3");
      await endpoints.close();
      instancer.stop();
    } finally {
      await dns.close();
    }
  });
});
