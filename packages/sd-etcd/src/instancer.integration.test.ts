// Against the real etcd on 127.0.0.1:2379 (or ETCD_ENDPOINTS), started by scripts/services.sh.
import type { Endpoint } from "@kit/endpoint";
import { endpointer, type Factory, type InstancerEvent } from "@kit/sd";
import { freePort, startCutProxy, until } from "@kit/test-support";
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etcdHosts, newClient, uniquePrefix } from "../test/etcd.ts";
import { etcdInstancer } from "./instancer.ts";
import { etcdRegistrar } from "./registrar.ts";

let client: Etcd3;
const prefixes: string[] = [];

beforeAll(async () => {
  client = newClient();
  // Fails the suite, loudly, when etcd is not there.
  await client.get("/kit-test/sd-etcd/ping").string();
});

afterAll(async () => {
  for (const prefix of prefixes) await client.delete().prefix(prefix).exec();
  client.close();
});

function prefixFor(name: string): string {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  return prefix;
}

function record(instancer: { subscribe(l: (e: InstancerEvent) => void): () => void }): InstancerEvent[] {
  const events: InstancerEvent[] = [];
  instancer.subscribe((event) => events.push(event));
  return events;
}

const lastInstances = (events: InstancerEvent[]): readonly string[] | undefined => events.at(-1)?.instances;

describe("etcdInstancer", () => {
  it("reports the values under the prefix, then follows puts and deletes", async () => {
    const prefix = prefixFor("follow");
    await client.put(`${prefix}a`).value("10.0.0.1:80");
    await client.put(`${prefix}b`).value("10.0.0.2:80");
    await client.put(`${prefix.slice(0, -1)}-other/c`).value("10.9.9.9:80"); // outside the prefix
    prefixes.push(`${prefix.slice(0, -1)}-other/`);
    const instancer = etcdInstancer(client, prefix);
    const events = record(instancer);
    try {
      await until("both instances are reported", () => lastInstances(events)?.length === 2);
      expect(lastInstances(events)).toEqual(["10.0.0.1:80", "10.0.0.2:80"]);

      await client.put(`${prefix}c`).value("10.0.0.3:80");
      await until("the put is reported", () => lastInstances(events)?.length === 3);
      expect(lastInstances(events)).toEqual(["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"]);

      await client.delete().key(`${prefix}a`);
      await until("the delete is reported", () => lastInstances(events)?.length === 2);
      expect(lastInstances(events)).toEqual(["10.0.0.2:80", "10.0.0.3:80"]);
      expect(events.every((event) => event.error === undefined)).toBe(true);
    } finally {
      instancer.stop();
    }
  });

  it("tells a late subscriber the current set at once, and nothing after stop()", async () => {
    const prefix = prefixFor("stop");
    await client.put(`${prefix}a`).value("10.0.0.1:80");
    const instancer = etcdInstancer(client, prefix);
    const first = record(instancer);
    await until("the instance is reported", () => lastInstances(first)?.length === 1);
    const late = record(instancer);
    expect(late).toEqual([{ instances: ["10.0.0.1:80"] }]);

    instancer.stop();
    const witness = etcdInstancer(client, prefix);
    const seen = record(witness);
    try {
      await client.put(`${prefix}b`).value("10.0.0.2:80");
      await until("a running instancer sees the put", () => lastInstances(seen)?.length === 2);
      expect(first).toEqual([{ instances: ["10.0.0.1:80"] }]);
    } finally {
      witness.stop();
    }
  });

  it("has the endpointer follow registrations and deregistrations within 5 s", async () => {
    const prefix = prefixFor("endpointer");
    const made: string[] = [];
    const closed: string[] = [];
    const factory: Factory<string, string> = (instance) => {
      made.push(instance);
      const endpoint: Endpoint<string, string> = (_ctx, request) => Promise.resolve(`${instance} ${request}`);
      return { endpoint, close: () => void closed.push(instance) };
    };
    const addresses = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"];
    const registrars = addresses.map((address) => etcdRegistrar(client, { key: `${prefix}${address}`, value: address, ttl: 5 }));
    const instancer = etcdInstancer(client, prefix);
    const endpoints = endpointer(instancer, factory);
    try {
      await Promise.all(registrars.map((registrar) => registrar.register()));
      await until("three endpoints", () => endpoints.endpoints().length === 3, { timeout: 5_000 });
      expect([...made].sort()).toEqual(addresses);

      const took = await (async () => {
        await registrars[1]!.deregister();
        return until("the deregistered instance is dropped", () => endpoints.endpoints().length === 2, { timeout: 5_000 });
      })();
      expect(closed).toEqual(["127.0.0.1:9002"]);
      expect(took).toBeLessThan(5_000);

      await registrars[1]!.register();
      await until("the instance is back", () => endpoints.endpoints().length === 3, { timeout: 5_000 });
      expect(made.filter((instance) => instance === "127.0.0.1:9002")).toHaveLength(2);
    } finally {
      await Promise.all(registrars.map((registrar) => registrar.deregister()));
      await endpoints.close();
      instancer.stop();
    }
  });

  it("reports a lost connection as an error event, and the set again once reconnected", async () => {
    const prefix = prefixFor("disconnect");
    const proxy = await startCutProxy(etcdHosts[0]!);
    const watching = newClient([proxy.address]);
    await client.put(`${prefix}a`).value("10.0.0.1:80");
    await client.put(`${prefix}b`).value("10.0.0.2:80");
    const instancer = etcdInstancer(watching, prefix);
    const events = record(instancer);
    const endpoints = endpointer(instancer, () => ({ endpoint: () => Promise.resolve("ok") }));
    try {
      await until("both instances", () => lastInstances(events)?.length === 2);
      proxy.cut();
      await until("an error event", () => events.at(-1)?.error !== undefined, { timeout: 15_000 });
      expect(endpoints.endpoints()).toHaveLength(2); // the endpointer keeps the last good set
      await client.delete().key(`${prefix}b`); // a change while the watcher is cut off

      proxy.restore();
      await until("the current set after reconnecting", () => lastInstances(events)?.length === 1, { timeout: 30_000 });
      expect(lastInstances(events)).toEqual(["10.0.0.1:80"]);
      expect(endpoints.endpoints()).toHaveLength(1);
    } finally {
      await endpoints.close();
      instancer.stop();
      watching.close();
      await proxy.close();
    }
  });

  it("watches again when etcd cancels the watch (its history was compacted while disconnected)", async () => {
    const prefix = prefixFor("compacted");
    const proxy = await startCutProxy(etcdHosts[0]!);
    const watching = newClient([proxy.address]);
    const instancer = etcdInstancer(watching, prefix, { retryDelay: 100 });
    const events = record(instancer);
    try {
      await client.put(`${prefix}a`).value("10.0.0.1:80");
      await until("the instance", () => lastInstances(events)?.length === 1);
      proxy.cut();
      await until("an error event", () => events.at(-1)?.error !== undefined, { timeout: 15_000 });
      await client.put(`${prefix}b`).value("10.0.0.2:80");
      const { header } = await client.put(`${prefix}c`).value("10.0.0.3:80").exec();
      await client.kv.compact({ revision: header.revision }); // the watch cannot resume where it was

      proxy.restore();
      await until("the current set from a new watch", () => lastInstances(events)?.length === 3, { timeout: 30_000 });
      await client.delete().key(`${prefix}a`);
      await until("the new watch follows changes", () => lastInstances(events)?.length === 2);
      expect(lastInstances(events)).toEqual(["10.0.0.2:80", "10.0.0.3:80"]);
    } finally {
      instancer.stop();
      watching.close();
      await proxy.close();
    }
  });

  it("reports an error event when etcd cannot be reached", async () => {
    const unreachable = newClient([`127.0.0.1:${await freePort()}`]);
    const instancer = etcdInstancer(unreachable, "/kit-test/sd-etcd/unreachable/");
    const events = record(instancer);
    try {
      await until("an error event", () => events.some((event) => event.error !== undefined), { timeout: 15_000 });
      expect(events.every((event) => event.instances === undefined)).toBe(true);
    } finally {
      instancer.stop();
      unreachable.close();
    }
  });
});
