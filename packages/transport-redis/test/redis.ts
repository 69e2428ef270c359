// Shared by the Redis integration tests: a client for the shared Redis on 127.0.0.1:6379
// (REDIS_URL overrides), stream names unique to each test, deleted after it, and a stream's
// entries (a wait for a condition is @kit/test-support's until).
import { randomUUID } from "node:crypto";
import { createClient } from "redis";

export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A connected client; a lost connection is reported to `errors` (else node-redis's `error` event ends the process). */
export async function connect(url = redisUrl, errors: Error[] = []): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url });
  client.on("error", (err: Error) => {
    errors.push(err);
  });
  await client.connect();
  return client;
}

/** Keys a test made, deleted by `deleteAll`. */
export class Keys {
  readonly #keys: string[] = [];

  /** A stream name unique to this run, such as `kit-test:orders:1a2b3c4d`. */
  name(prefix: string): string {
    const key = `kit-test:${prefix}:${randomUUID().slice(0, 8)}`;
    this.track(key);
    return key;
  }

  /** Deletes `key` (and its `:dead-letter`) at the end. */
  track(key: string): void {
    this.#keys.push(key, `${key}:dead-letter`);
  }

  async deleteAll(client: { del(keys: string[]): Promise<unknown> }): Promise<void> {
    if (this.#keys.length > 0) await client.del(this.#keys);
  }
}

/** The entries of a stream as field maps (bodies as text), oldest first. */
export async function entries(client: Awaited<ReturnType<typeof connect>>, stream: string): Promise<Map<string, string>[]> {
  const raw = await client.sendCommand<[string, string[]][]>(["XRANGE", stream, "-", "+"]);
  return raw.map(([, fields]) => {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? "", fields[i + 1] ?? "");
    return map;
  });
}
