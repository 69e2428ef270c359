// The README's example, line for line (with a unique prefix), against the real etcd.
import { background } from "@kit/endpoint";
import { endpointer, type Factory, retry, roundRobin } from "@kit/sd";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { etcdInstancer, etcdRegistrar } from "../src/index.ts";
import { newClient, uniquePrefix, until } from "./etcd.ts";

describe("README example", () => {
  it("registers an instance and balances over what the instancer reports", async () => {
    const client = newClient(); // new Etcd3({ hosts: "127.0.0.1:2379" })
    const prefix = uniquePrefix("readme"); // "/services/sum/"
    try {
      // The service: register once listening, deregister before closing.
      const registrar = etcdRegistrar(client, { key: `${prefix}10.0.0.7:8080`, value: "10.0.0.7:8080", ttl: 10 });
      await registrar.register();

      // A client: one endpoint per instance, balanced and retried.
      const factory: Factory<{ a: number; b: number }, string> = (instance) => ({
        endpoint: (_ctx, { a, b }) => Promise.resolve(`${instance}: ${a + b}`), // an HTTP or gRPC client in real life
      });
      const instancer = etcdInstancer(client, prefix);
      const endpoints = endpointer(instancer, factory);
      const sum = retry(3, 2_000, roundRobin(endpoints));

      await until("the instance is seen", () => endpoints.endpoints().length === 1); // the README skips this wait
      expect(await sum(background(), { a: 1, b: 2 })).toBe("10.0.0.7:8080: 3");

      await registrar.deregister();
      await until("the instance is gone", () => endpoints.endpoints().length === 0);
      await endpoints.close();
      instancer.stop();
    } finally {
      await client.delete().prefix(prefix).exec();
      client.close();
    }
  });
});
