// The README's example, run from the README's own text, asking a DNS server of this test's own
// on 127.0.0.1:8600 (where the README expects a Consul agent's DNS): what it prints must be
// what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExampleAsync } from "../../../scripts/lib/readme.ts";
import { startDnsServer } from "./dns-server.ts";

describe("README example", () => {
  it("balances over the targets of the SRV records", async () => {
    const dns = await startDnsServer(8600);
    dns.set("_http._tcp.sum.service.consul", { srv: [{ target: "10.0.0.7", port: 8080 }] });
    try {
      const run = await runReadmeExampleAsync(fileURLToPath(new URL("../README.md", import.meta.url)));
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(run.expected).toEqual(["10.0.0.7:8080 says 3"]);
      expect(run.printed).toEqual(run.expected);
    } finally {
      await dns.close();
    }
  });
});
