import { describe, expect, it, vi } from "vitest";
import { fixedInstancer } from "./fixed-instancer.ts";

describe("fixedInstancer", () => {
  it("gives every subscriber the instances at once", () => {
    const instancer = fixedInstancer(["b:1", "a:1"]);
    const first = vi.fn();
    const second = vi.fn();
    instancer.subscribe(first);
    instancer.subscribe(second);
    expect(first).toHaveBeenCalledExactlyOnceWith({ instances: ["a:1", "b:1"] });
    expect(second).toHaveBeenCalledExactlyOnceWith({ instances: ["a:1", "b:1"] });
  });
});
