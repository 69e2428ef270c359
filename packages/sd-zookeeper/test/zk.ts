// Shared by the integration tests: the ZooKeeper they talk to and unique paths (a client cut off
// ZooKeeper goes through @kit/test-support's startCutProxy, and a wait for a condition is its
// until).
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { type Client, createClient, type Option } from "node-zookeeper-client";

/** The ZooKeeper the tests use: `ZK_HOSTS` or 127.0.0.1:2181. */
export const zkHosts: string = process.env.ZK_HOSTS ?? "127.0.0.1:2181";

/** A connected client; fails after 20 s when ZooKeeper is not there. */
export async function connect(hosts: string = zkHosts, options: Partial<Option> = {}): Promise<Client> {
  const client = createClient(hosts, { sessionTimeout: 10_000, spinDelay: 200, ...options });
  const connected = once(client, "connected", { signal: AbortSignal.timeout(20_000) });
  client.connect();
  try {
    await connected;
  } catch (error) {
    client.close();
    throw new Error(`could not connect to ZooKeeper at ${hosts} (bash scripts/services.sh start)`, { cause: error });
  }
  return client;
}

/** A path no other run uses. */
export function uniquePath(name: string): string {
  return `/kit-test/sd-zookeeper/${name}-${randomUUID()}`;
}

/** Deletes `path` and everything under it, depth first. */
export async function removeTree(client: Client, path: string): Promise<void> {
  for (const child of await children(client, path)) await removeTree(client, `${path}/${child}`);
  await new Promise<void>((resolve, reject) => {
    client.remove(path, (error: unknown) => {
      if (error && (error as { code?: unknown }).code !== -101) reject(error instanceof Error ? error : new Error("zookeeper failed", { cause: error }));
      else resolve();
    });
  });
}

/** Lists the children of `path` ([] when it is missing). */
export function children(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    client.getChildren(path, (error: unknown, names: string[]) => {
      if ((error as { code?: unknown } | null)?.code === -101) resolve([]);
      else if (error) reject(error instanceof Error ? error : new Error("zookeeper failed", { cause: error }));
      else resolve(names);
    });
  });
}
