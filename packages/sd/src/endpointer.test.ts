import { background, Code, type Endpoint, KitError } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { endpointer } from "./endpointer.ts";
import type { Factory } from "./factory.ts";
import { fixedInstancer } from "./fixed-instancer.ts";
import { instanceCache } from "./instance-cache.ts";

/** A factory whose endpoints answer with their instance, and that records closes. */
function recording(): { factory: Factory<null, string>; made: string[]; closed: string[] } {
  const made: string[] = [];
  const closed: string[] = [];
  const factory: Factory<null, string> = (instance) => {
    made.push(instance);
    return {
      endpoint: () => Promise.resolve(instance),
      close: () => {
        closed.push(instance);
      },
    };
  };
  return { factory, made, closed };
}

async function answers(endpoints: readonly Endpoint<null, string>[]): Promise<string[]> {
  return Promise.all(endpoints.map((e) => e(background(), null)));
}

describe("endpointer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("makes one endpoint per instance of a fixed instancer, in sorted order", async () => {
    const { factory } = recording();
    const endpoints = endpointer(fixedInstancer(["b:1", "a:1", "b:1"]), factory);
    expect(await answers(endpoints.endpoints())).toEqual(["a:1", "b:1"]);
  });

  it("follows updates, keeps the same endpoint for a kept instance and closes removed ones exactly once", async () => {
    const cache = instanceCache();
    const { factory, made, closed } = recording();
    const endpoints = endpointer(cache, factory);
    expect(endpoints.endpoints()).toEqual([]);

    cache.update({ instances: ["a:1", "b:1"] });
    const [a] = endpoints.endpoints();
    cache.update({ instances: ["a:1", "c:1"] });
    expect(endpoints.endpoints()[0]).toBe(a);
    expect(await answers(endpoints.endpoints())).toEqual(["a:1", "c:1"]);
    expect(closed).toEqual(["b:1"]);

    cache.update({ instances: ["c:1", "b:1"] });
    cache.update({ instances: [] });
    expect(endpoints.endpoints()).toEqual([]);
    await endpoints.close();
    await endpoints.close();
    expect(made).toEqual(["a:1", "b:1", "c:1", "b:1"]);
    expect(closed.sort()).toEqual(["a:1", "b:1", "b:1", "c:1"]);
  });

  it("closes every endpoint on close, waits for async closes, and then ignores the instancer", async () => {
    const cache = instanceCache();
    let finished = 0;
    const endpoints = endpointer<null, string>(cache, (instance) => ({
      endpoint: () => Promise.resolve(instance),
      close: async () => {
        await Promise.resolve();
        finished++;
      },
    }));
    cache.update({ instances: ["a:1", "b:1"] });
    await endpoints.close();
    expect(finished).toBe(2);
    cache.update({ instances: ["c:1"] });
    expect(endpoints.endpoints()).toEqual([]);
  });

  it("skips an instance whose factory throws and reports it", async () => {
    const onError = vi.fn();
    const boom = new Error("bad address");
    const endpoints = endpointer<null, string>(
      fixedInstancer(["a:1", "bad"]),
      (instance) => {
        if (instance === "bad") throw boom;
        return { endpoint: () => Promise.resolve(instance) };
      },
      { onError },
    );
    expect(await answers(endpoints.endpoints())).toEqual(["a:1"]);
    expect(onError).toHaveBeenCalledExactlyOnceWith(boom, "bad");
  });

  it("keeps the last good set for invalidateOnError after an error, then closes it and throws unavailable", async () => {
    const cache = instanceCache();
    const { factory, closed } = recording();
    const endpoints = endpointer(cache, factory, { invalidateOnError: 1_000 });
    cache.update({ instances: ["a:1", "b:1"] });
    const good = endpoints.endpoints();

    const down = new Error("registry down");
    cache.update({ error: down });
    vi.advanceTimersByTime(999);
    cache.update({ error: new Error("still down") }); // does not restart the clock
    expect(endpoints.endpoints()).toBe(good);
    expect(closed).toEqual([]);

    vi.advanceTimersByTime(1);
    expect(closed).toEqual(["a:1", "b:1"]);
    const error = (() => {
      try {
        endpoints.endpoints();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KitError);
    expect(error).toMatchObject({ code: Code.Unavailable, cause: down });

    cache.update({ instances: ["a:1"] });
    expect(await answers(endpoints.endpoints())).toEqual(["a:1"]);
  });

  it("recovers without invalidating when good instances arrive in time", () => {
    const cache = instanceCache();
    const { factory, closed } = recording();
    const endpoints = endpointer(cache, factory, { invalidateOnError: 1_000 });
    cache.update({ instances: ["a:1"] });
    cache.update({ error: new Error("blip") });
    vi.advanceTimersByTime(500);
    cache.update({ instances: ["a:1"] });
    vi.advanceTimersByTime(10_000);
    expect(endpoints.endpoints()).toHaveLength(1);
    expect(closed).toEqual([]);
  });

  it("keeps the last good set for as long as errors last by default, as Go kit does", () => {
    const cache = instanceCache();
    const onError = vi.fn();
    const endpoints = endpointer(cache, recording().factory, { onError });
    cache.update({ instances: ["a:1"] });
    const down = new Error("registry down");
    cache.update({ error: down });
    vi.advanceTimersByTime(3_600_000);
    expect(endpoints.endpoints()).toHaveLength(1);
    expect(onError).toHaveBeenCalledExactlyOnceWith(down);
  });

  it("invalidates at once with invalidateOnError 0", () => {
    const cache = instanceCache();
    const { factory, closed } = recording();
    const endpoints = endpointer(cache, factory, { invalidateOnError: 0 });
    cache.update({ instances: ["a:1"] });
    cache.update({ error: new Error("down") });
    expect(closed).toEqual(["a:1"]);
    expect(() => endpoints.endpoints()).toThrow(/service discovery failed: down/);
  });

  it("rejects a negative invalidateOnError", () => {
    expect(() => endpointer(fixedInstancer([]), recording().factory, { invalidateOnError: -1 })).toThrow(RangeError);
  });
});
