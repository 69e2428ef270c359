import { EventEmitter } from "node:events";
import type { InstancerEvent } from "@kit/sd";
import type { Namespace } from "etcd3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { etcdInstancer } from "./instancer.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** Just enough of an etcd3 client: reads answer from `reads` in turn, watchers are recorded. */
function fakeClient(reads: (Record<string, string> | Error)[]) {
  const watchers: (EventEmitter & { cancel(): Promise<void>; cancelled: boolean })[] = [];
  const client = {
    getAll: () => ({
      prefix: () => ({
        strings: () => {
          const next = reads.shift() ?? new Error("no more reads");
          return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
        },
      }),
    }),
    watch: () => ({
      prefix: () => ({
        watcher: () => {
          const watcher = Object.assign(new EventEmitter(), {
            cancelled: false,
            cancel() {
              watcher.cancelled = true;
              return Promise.resolve();
            },
          });
          watchers.push(watcher);
          return watcher;
        },
      }),
    }),
  };
  return { client: client as unknown as Namespace, watchers };
}

function record(instancer: { subscribe(l: (e: InstancerEvent) => void): () => void }): InstancerEvent[] {
  const events: InstancerEvent[] = [];
  instancer.subscribe((event) => events.push(event));
  return events;
}

describe("etcdInstancer", () => {
  it("reads again after retryDelay when a read fails, with no change to trigger it", async () => {
    vi.useFakeTimers();
    const { client } = fakeClient([new Error("deadline exceeded"), { "/svc/a": "10.0.0.1:80" }]);
    const instancer = etcdInstancer(client, "/svc/", { retryDelay: 500 });
    const events = record(instancer);
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ error: new Error("deadline exceeded") }]);
    await vi.advanceTimersByTimeAsync(499);
    expect(events).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.at(-1)).toEqual({ instances: ["10.0.0.1:80"] });
    instancer.stop();
  });

  it("replaces a watch that etcd cancelled after retryDelay, and cancels its watch on stop()", async () => {
    vi.useFakeTimers();
    const { client, watchers } = fakeClient([{}, { "/svc/a": "10.0.0.1:80" }]);
    const instancer = etcdInstancer(client, "/svc/", { retryDelay: 500 });
    const events = record(instancer);
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ instances: [] }]);

    watchers[0]!.emit("error", new Error("Watcher canceled: compacted"));
    expect(events.at(-1)).toEqual({ error: new Error("Watcher canceled: compacted") });
    await vi.advanceTimersByTimeAsync(500);
    expect(watchers).toHaveLength(2);
    watchers[1]!.emit("connected");
    await vi.advanceTimersByTimeAsync(0);
    expect(events.at(-1)).toEqual({ instances: ["10.0.0.1:80"] });

    instancer.stop();
    expect(watchers[1]!.cancelled).toBe(true);
  });

  it("rejects an empty prefix and a negative retryDelay", () => {
    const { client } = fakeClient([]);
    expect(() => etcdInstancer(client, "")).toThrow(RangeError);
    expect(() => etcdInstancer(client, "/svc/", { retryDelay: -1 })).toThrow(RangeError);
  });
});
