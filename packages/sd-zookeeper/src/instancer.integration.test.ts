// Against the real ZooKeeper on 127.0.0.1:2181 (or ZK_HOSTS), started by scripts/services.sh.
import { endpointer, type Factory, type InstancerEvent } from "@kit/sd";
import { startCutProxy, until } from "@kit/test-support";
import { type Client, createClient } from "node-zookeeper-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, removeTree, uniquePath, zkHosts } from "../test/zk.ts";
import { zookeeperInstancer } from "./instancer.ts";
import { zookeeperRegistrar } from "./registrar.ts";

let client: Client;
const paths: string[] = [];

beforeAll(async () => {
  client = await connect();
});

afterAll(async () => {
  for (const path of paths) await removeTree(client, path);
  client.close();
});

function pathFor(name: string): string {
  const path = uniquePath(name);
  paths.push(path);
  return path;
}

function record(instancer: { subscribe(l: (e: InstancerEvent) => void): () => void }): InstancerEvent[] {
  const events: InstancerEvent[] = [];
  instancer.subscribe((event) => events.push(event));
  return events;
}

const last = (events: InstancerEvent[]): readonly string[] | undefined => events.at(-1)?.instances;

describe("zookeeperInstancer", () => {
  it("reports the data of every child, then follows registrations and deregistrations", async () => {
    const path = pathFor("follow");
    const a = zookeeperRegistrar(client, { path, name: "a-", data: "10.0.0.1:80" });
    const b = zookeeperRegistrar(client, { path, name: "b-", data: "10.0.0.2:80" });
    await a.register();
    await b.register();
    const instancer = zookeeperInstancer(client, path);
    const events = record(instancer);
    try {
      await until("both instances", () => last(events)?.length === 2);
      expect(last(events)).toEqual(["10.0.0.1:80", "10.0.0.2:80"]);

      const c = zookeeperRegistrar(client, { path, name: "c-", data: "10.0.0.3:80" });
      await c.register();
      await until("the new instance", () => last(events)?.length === 3);
      await a.deregister();
      await until("the removed instance is gone", () => last(events)?.length === 2);
      expect(last(events)).toEqual(["10.0.0.2:80", "10.0.0.3:80"]);
      expect(events.every((event) => event.error === undefined)).toBe(true);
      await c.deregister();
    } finally {
      instancer.stop();
      await b.deregister();
    }
  });

  it("reports no instances for a missing path, then the first one registered under it", async () => {
    const path = `${pathFor("missing")}/service`;
    const instancer = zookeeperInstancer(client, path);
    const events = record(instancer);
    const registrar = zookeeperRegistrar(client, { path, name: "i-", data: "10.0.0.1:80" });
    try {
      await until("an empty set", () => last(events)?.length === 0);
      await registrar.register(); // creates the path, then the node
      await until("the instance", () => last(events)?.length === 1);
      expect(last(events)).toEqual(["10.0.0.1:80"]);
    } finally {
      instancer.stop();
      await registrar.deregister();
    }
  });

  it("has the endpointer follow three instances as one stops, within 5 s", async () => {
    const path = pathFor("endpointer");
    const made: string[] = [];
    const closed: string[] = [];
    const factory: Factory<string, string> = (instance) => {
      made.push(instance);
      return { endpoint: () => Promise.resolve(instance), close: () => void closed.push(instance) };
    };
    const addresses = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"];
    const registrars = addresses.map((data) => zookeeperRegistrar(client, { path, name: "instance-", data }));
    const instancer = zookeeperInstancer(client, path);
    const endpoints = endpointer(instancer, factory);
    try {
      for (const registrar of registrars) await registrar.register();
      await until("three endpoints", () => endpoints.endpoints().length === 3, { timeout: 5_000 });
      expect([...made].sort()).toEqual(addresses);

      await registrars[1]!.deregister();
      const took = await until("the stopped instance is dropped", () => endpoints.endpoints().length === 2, { timeout: 5_000 });
      expect(took).toBeLessThan(5_000);
      expect(closed).toEqual(["127.0.0.1:9002"]);
    } finally {
      await endpoints.close();
      instancer.stop();
      for (const registrar of registrars) await registrar.deregister();
    }
  });

  it("reports a lost connection as an error event, and the set again once reconnected", async () => {
    const path = pathFor("disconnect");
    const proxy = await startCutProxy(zkHosts.split(",")[0]!);
    const watching = await connect(proxy.address, { sessionTimeout: 20_000 });
    const first = zookeeperRegistrar(client, { path, name: "i-", data: "10.0.0.1:80" });
    const second = zookeeperRegistrar(client, { path, name: "i-", data: "10.0.0.2:80" });
    await first.register();
    await second.register();
    const instancer = zookeeperInstancer(watching, path);
    const events = record(instancer);
    const endpoints = endpointer(instancer, () => ({ endpoint: () => Promise.resolve("ok") }));
    try {
      await until("both instances", () => last(events)?.length === 2);
      proxy.cut();
      await until("an error event", () => events.at(-1)?.error !== undefined);
      expect(endpoints.endpoints()).toHaveLength(2); // the endpointer keeps the last good set
      await second.deregister(); // a change while the watcher is cut off

      proxy.restore();
      await until("the current set after reconnecting", () => last(events)?.length === 1, { timeout: 20_000 });
      expect(last(events)).toEqual(["10.0.0.1:80"]);
      expect(endpoints.endpoints()).toHaveLength(1);
    } finally {
      await endpoints.close();
      instancer.stop();
      await first.deregister();
      watching.close();
      await proxy.close();
    }
  });

  it("tells nothing after stop()", async () => {
    const path = pathFor("stop");
    const a = zookeeperRegistrar(client, { path, name: "i-", data: "10.0.0.1:80" });
    const b = zookeeperRegistrar(client, { path, name: "i-", data: "10.0.0.2:80" });
    await a.register();
    const instancer = zookeeperInstancer(client, path);
    const stopped = record(instancer);
    await until("the instance", () => last(stopped)?.length === 1);
    instancer.stop();
    const witness = zookeeperInstancer(client, path);
    const seen = record(witness);
    try {
      await b.register();
      await until("a running instancer sees the registration", () => last(seen)?.length === 2);
      expect(stopped).toEqual([{ instances: ["10.0.0.1:80"] }]);
    } finally {
      witness.stop();
      await a.deregister();
      await b.deregister();
    }
  });

  it("reports an error event when ZooKeeper never answers", async () => {
    const proxy = await startCutProxy(zkHosts.split(",")[0]!);
    proxy.cut(); // accepts connections and drops them: a server that is never reached
    const unreachable = createClient(proxy.address, { sessionTimeout: 2_000, spinDelay: 100 });
    unreachable.connect();
    const instancer = zookeeperInstancer(unreachable, "/kit-test/unreachable", { timeout: 500 });
    const events = record(instancer);
    try {
      await until("an error event", () => events.length > 0);
      expect(events[0]?.error?.message).toMatch(/no answer in 500 ms/);
    } finally {
      instancer.stop();
      unreachable.close();
      await proxy.close();
    }
  });

  it("rejects a relative path and a negative timeout", () => {
    expect(() => zookeeperInstancer(client, "services/users")).toThrow(RangeError);
    expect(() => zookeeperInstancer(client, "/services/users", { timeout: -1 })).toThrow(RangeError);
  });
});
