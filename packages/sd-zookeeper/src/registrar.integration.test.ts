// Against the real ZooKeeper on 127.0.0.1:2181 (or ZK_HOSTS), started by scripts/services.sh.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { InstancerEvent } from "@kit/sd";
import { until } from "@kit/test-support";
import type { Client, Stat } from "node-zookeeper-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { children, connect, removeTree, uniquePath, zkHosts } from "../test/zk.ts";
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

function nodeData(path: string): Promise<{ data: string; stat: Stat }> {
  return new Promise((resolve, reject) => {
    client.getData(path, (error: unknown, data: Buffer | undefined, stat: Stat) => {
      if (error) reject(error instanceof Error ? error : new Error("getData failed", { cause: error }));
      else resolve({ data: data?.toString("utf8") ?? "", stat });
    });
  });
}

describe("zookeeperRegistrar", () => {
  it("creates the path and an ephemeral sequential node holding the data; deregister() deletes it", async () => {
    const path = `${pathFor("lifecycle")}/a/b`;
    const registrar = zookeeperRegistrar(client, { path, name: "instance-", data: "10.0.0.7:8080" });
    await registrar.register();
    const names = await children(client, path);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^instance-\d{10}$/);
    const { data, stat } = await nodeData(`${path}/${names[0]!}`);
    expect(data).toBe("10.0.0.7:8080");
    expect(stat.ephemeralOwner.equals(client.getSessionId())).toBe(true); // ephemeral, owned by this session

    await registrar.register(); // already registered: nothing more
    expect(await children(client, path)).toHaveLength(1);
    await registrar.deregister();
    expect(await children(client, path)).toEqual([]);
    await expect(registrar.deregister()).resolves.toBeUndefined(); // idempotent

    await registrar.register(); // and again, as a new node
    const again = await children(client, path);
    expect(again).toHaveLength(1);
    expect(again[0]).not.toBe(names[0]);
    await registrar.deregister();
  });

  it("gives each registrar of one name its own node", async () => {
    const path = pathFor("same-name");
    const one = zookeeperRegistrar(client, { path, name: "instance-", data: "10.0.0.1:80" });
    const two = zookeeperRegistrar(client, { path, name: "instance-", data: "10.0.0.2:80" });
    await Promise.all([one.register(), two.register()]);
    expect(await children(client, path)).toHaveLength(2);
    await one.deregister();
    const left = await children(client, path);
    expect(left).toHaveLength(1);
    expect((await nodeData(`${path}/${left[0]!}`)).data).toBe("10.0.0.2:80");
    await two.deregister();
  });

  it("disappears from the registry when the registered process dies (session expiry)", async () => {
    const path = pathFor("death");
    const instancer = zookeeperInstancer(client, path);
    const events: InstancerEvent[] = [];
    instancer.subscribe((event) => events.push(event));
    const script = fileURLToPath(new URL("../test/registered-child.ts", import.meta.url));
    const child = spawn(process.execPath, [script, zkHosts, path, "instance-", "127.0.0.1:8080", "2000"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      await until("the child has registered", () => output.includes("registered"), { timeout: 20_000 });
      await until("the instancer sees it", () => events.at(-1)?.instances?.length === 1);

      child.kill("SIGKILL");
      await once(child, "exit");
      const took = await until("the registration is gone", () => events.at(-1)?.instances?.length === 0, { timeout: 20_000 });
      expect(took).toBeLessThan(20_000);
      expect(await children(client, path)).toEqual([]);
    } finally {
      instancer.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("register() rejects what ZooKeeper refuses, and stays unregistered", async () => {
    const path = pathFor("refused");
    const parent = zookeeperRegistrar(client, { path, name: "i-", data: "v" });
    await parent.register();
    const [ephemeral] = await children(client, path);
    // Ephemeral nodes can have no children.
    const registrar = zookeeperRegistrar(client, { path: `${path}/${ephemeral!}`, name: "i-", data: "v" });
    await expect(registrar.register()).rejects.toMatchObject({ name: "NO_CHILDREN_FOR_EPHEMERALS" });
    await expect(registrar.deregister()).resolves.toBeUndefined();
    await parent.deregister();
  });

  it("rejects a relative path, a name with a slash and empty data", () => {
    expect(() => zookeeperRegistrar(client, { path: "services", name: "i-", data: "v" })).toThrow(RangeError);
    expect(() => zookeeperRegistrar(client, { path: "/services", name: "a/b", data: "v" })).toThrow(RangeError);
    expect(() => zookeeperRegistrar(client, { path: "/services", name: "i-", data: "" })).toThrow(RangeError);
  });
});
