// Against the real etcd on 127.0.0.1:2379 (or ETCD_ENDPOINTS), started by scripts/services.sh.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort, until } from "@kit/test-support";
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etcdHosts, newClient, uniquePrefix } from "../test/etcd.ts";
import { etcdRegistrar } from "./registrar.ts";

let client: Etcd3;
const prefixes: string[] = [];

beforeAll(async () => {
  client = newClient();
  await client.get("/kit-test/sd-etcd/ping").string();
});

afterAll(async () => {
  for (const prefix of prefixes) await client.delete().prefix(prefix).exec();
  client.close();
});

function keyFor(name: string): string {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  return `${prefix}127.0.0.1:8080`;
}

/** The ID of the lease the key is attached to, or undefined when the key is absent. */
async function leaseOf(key: string): Promise<string | undefined> {
  const response = await client.get(key).exec();
  return response.kvs[0]?.lease;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("etcdRegistrar", () => {
  it("puts key = value under a lease of ttl seconds, keeps it alive, and deregister() deletes it", async () => {
    const key = keyFor("lifecycle");
    const registrar = etcdRegistrar(client, { key, value: "127.0.0.1:8080", ttl: 2 });
    await registrar.register();
    expect(await client.get(key).string()).toBe("127.0.0.1:8080");
    const lease = await leaseOf(key);
    expect(lease).not.toBe("0");
    const { TTL, grantedTTL } = await client.leaseClient.leaseTimeToLive({ ID: lease! });
    expect(grantedTTL).toBe("2");
    expect(Number(TTL)).toBeGreaterThan(0);

    await sleep(5_000); // 2.5 TTLs: gone by now unless the lease is renewed
    expect(await client.get(key).string()).toBe("127.0.0.1:8080");
    expect(await leaseOf(key)).toBe(lease);

    await registrar.deregister();
    expect(await client.get(key).string()).toBeNull();
    await expect(registrar.deregister()).resolves.toBeUndefined(); // idempotent
  });

  it("register() twice registers once; after deregister() it registers again", async () => {
    const key = keyFor("twice");
    const registrar = etcdRegistrar(client, { key, value: "v", ttl: 5 });
    await Promise.all([registrar.register(), registrar.register()]);
    const lease = await leaseOf(key);
    await registrar.register();
    expect(await leaseOf(key)).toBe(lease);
    await registrar.deregister();
    expect(await leaseOf(key)).toBeUndefined();
    await registrar.register();
    expect(await client.get(key).string()).toBe("v");
    await registrar.deregister();
  });

  it("registers again, under a new lease, when its lease is lost", async () => {
    const key = keyFor("lost");
    const errors: Error[] = [];
    const registrar = etcdRegistrar(client, { key, value: "v", ttl: 2 }, { retryDelay: 100, onError: (error) => errors.push(error) });
    await registrar.register();
    try {
      const first = await leaseOf(key);
      await client.leaseClient.leaseRevoke({ ID: first! }); // someone else revokes it
      expect(await leaseOf(key)).toBeUndefined();
      await until("the key is back under another lease", async () => {
        const now = await leaseOf(key);
        return now !== undefined && now !== first;
      }, { every: 50 });
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(await client.get(key).string()).toBe("v");
    } finally {
      await registrar.deregister();
    }
    expect(await leaseOf(key)).toBeUndefined();
  });

  it("deletes the registration when the registered process dies (lease expiry)", async () => {
    const key = keyFor("death");
    const script = fileURLToPath(new URL("../test/registered-child.ts", import.meta.url));
    const child = spawn(process.execPath, [script, etcdHosts.join(","), key, "127.0.0.1:8080", "2"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      await until("the child has registered", () => output.includes("registered"), { timeout: 15_000 });
      expect(await client.get(key).string()).toBe("127.0.0.1:8080");

      child.kill("SIGKILL");
      await once(child, "exit");
      const took = await until("the registration is gone", async () => (await client.get(key).string()) === null, { timeout: 15_000, every: 50 });
      expect(took).toBeLessThan(15_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("register() rejects when etcd cannot be reached", async () => {
    const unreachable = newClient([`127.0.0.1:${await freePort()}`]);
    try {
      const registrar = etcdRegistrar(unreachable, { key: "/kit-test/sd-etcd/unreachable", value: "v", ttl: 2 });
      await expect(registrar.register()).rejects.toThrow();
      await expect(registrar.deregister()).resolves.toBeUndefined();
    } finally {
      unreachable.close();
    }
  });

  it("rejects an empty key and a TTL under 1 s", () => {
    expect(() => etcdRegistrar(client, { key: "", value: "v", ttl: 1 })).toThrow(RangeError);
    expect(() => etcdRegistrar(client, { key: "k", value: "v", ttl: 0.5 })).toThrow(RangeError);
  });
});
