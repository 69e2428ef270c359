import type { SrvRecord } from "node:dns";
import type { InstancerEvent } from "@kit/sd";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dnsSrvInstancer, type SrvResolver } from "./instancer.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** A resolver whose lookups stay pending until the test settles them. */
function manualResolver() {
  const pending: { resolve: (records: SrvRecord[]) => void; reject: (error: Error) => void }[] = [];
  const resolver: SrvResolver = {
    resolveSrv: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  };
  return { resolver, pending };
}

const record = (name: string, port: number): SrvRecord => ({ name, port, priority: 10, weight: 10 });

describe("dnsSrvInstancer", () => {
  it("never starts a lookup while one is in flight, and waits the interval after each", async () => {
    vi.useFakeTimers();
    const { resolver, pending } = manualResolver();
    const events: InstancerEvent[] = [];
    const instancer = dnsSrvInstancer("_x._tcp.example", { interval: 1_000, resolver });
    instancer.subscribe((event) => events.push(event));
    expect(pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000); // a slow lookup: still one
    expect(pending).toHaveLength(1);

    pending[0]!.resolve([record("b.example", 2), record("a.example", 1)]);
    await vi.advanceTimersByTimeAsync(999);
    expect(events).toEqual([{ instances: ["a.example:1", "b.example:2"] }]);
    expect(pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending).toHaveLength(2);
    instancer.stop();
  });

  it("tells nothing of a lookup that ends after stop(), and looks up no more", async () => {
    vi.useFakeTimers();
    const { resolver, pending } = manualResolver();
    const events: InstancerEvent[] = [];
    const instancer = dnsSrvInstancer("_x._tcp.example", { interval: 100, resolver });
    instancer.subscribe((event) => events.push(event));
    instancer.stop();
    pending[0]!.resolve([record("a.example", 1)]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual([]);
    expect(pending).toHaveLength(1);
  });

  it("keeps looking up after a failure", async () => {
    vi.useFakeTimers();
    const { resolver, pending } = manualResolver();
    const events: InstancerEvent[] = [];
    const instancer = dnsSrvInstancer("_x._tcp.example", { interval: 100, resolver });
    instancer.subscribe((event) => events.push(event));
    pending[0]!.reject(Object.assign(new Error("queryTxt ETIMEOUT"), { code: "ETIMEOUT" }));
    await vi.advanceTimersByTimeAsync(100);
    pending[1]!.resolve([record("a.example", 1)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ error: expect.objectContaining({ code: "ETIMEOUT" }) as Error }, { instances: ["a.example:1"] }]);
    instancer.stop();
  });

  it("rejects an empty name and an interval that is not a positive number", () => {
    expect(() => dnsSrvInstancer("")).toThrow(RangeError);
    expect(() => dnsSrvInstancer("_x._tcp.example", { interval: 0 })).toThrow(RangeError);
    expect(() => dnsSrvInstancer("_x._tcp.example", { interval: Number.NaN })).toThrow(RangeError);
  });
});
