// The README's example, with a unique path, against the real ZooKeeper.
import { background } from "@kit/endpoint";
import { endpointer, type Factory, retry, roundRobin } from "@kit/sd";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { zookeeperInstancer, zookeeperRegistrar } from "../src/index.ts";
import { connect, removeTree, uniquePath, until } from "./zk.ts";

describe("README example", () => {
  it("registers an instance and balances over what the instancer reports", async () => {
    const zk = await connect(); // createClient("127.0.0.1:2181", { sessionTimeout: 10_000 }) and zk.connect()
    const path = uniquePath("readme"); // "/services/sum"
    try {
      // The service: register once listening, deregister before closing.
      const registrar = zookeeperRegistrar(zk, { path, name: "instance-", data: "10.0.0.7:8080" });
      await registrar.register();

      // A client: one endpoint per instance, balanced and retried.
      const factory: Factory<{ a: number; b: number }, string> = (instance) => ({
        endpoint: (_ctx, { a, b }) => Promise.resolve(`${instance}: ${a + b}`), // an HTTP or gRPC client in real life
      });
      const instancer = zookeeperInstancer(zk, path);
      const endpoints = endpointer(instancer, factory);
      const sum = retry(3, 2_000, roundRobin(endpoints));

      await until("the instance is seen", () => endpoints.endpoints().length === 1); // the README skips this wait
      expect(await sum(background(), { a: 1, b: 2 })).toBe("10.0.0.7:8080: 3");

      await registrar.deregister();
      await until("the instance is gone", () => endpoints.endpoints().length === 0);
      await endpoints.close();
      instancer.stop();
    } finally {
      await removeTree(zk, path);
      zk.close();
    }
  });
});
