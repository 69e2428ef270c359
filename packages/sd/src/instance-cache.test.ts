import { describe, expect, it, vi } from "vitest";
import { instanceCache } from "./instance-cache.ts";
import type { InstancerEvent } from "./instancer.ts";

describe("instanceCache", () => {
  it("tells a new subscriber the current state at once, then every change", () => {
    const cache = instanceCache();
    const before: InstancerEvent[] = [];
    cache.subscribe((e) => before.push(e));
    cache.update({ instances: ["b:1", "a:1", "b:1"] });
    const after: InstancerEvent[] = [];
    cache.subscribe((e) => after.push(e));
    const error = new Error("registry down");
    cache.update({ error });
    expect(before).toEqual([{ instances: ["a:1", "b:1"] }, { error }]);
    expect(after).toEqual([{ instances: ["a:1", "b:1"] }, { error }]);
    expect(cache.state()).toEqual({ error });
  });

  it("does not repeat the same set of instances", () => {
    const cache = instanceCache();
    const listener = vi.fn();
    cache.subscribe(listener);
    cache.update({ instances: ["a:1", "b:1"] });
    cache.update({ instances: ["b:1", "a:1"] });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("stops telling after unsubscribe and after stop, and runs onStop once", () => {
    const onStop = vi.fn();
    const cache = instanceCache(onStop);
    const gone = vi.fn();
    const kept = vi.fn();
    cache.subscribe(gone)();
    cache.subscribe(kept);
    cache.update({ instances: ["a:1"] });
    cache.stop();
    cache.stop();
    cache.update({ instances: ["b:1"] });
    expect(gone).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
    expect(onStop).toHaveBeenCalledTimes(1);
  });
});
