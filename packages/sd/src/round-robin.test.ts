import { background, Code, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { roundRobin } from "./round-robin.ts";

const named = (name: string): Endpoint<null, string> => () => Promise.resolve(name);

describe("roundRobin", () => {
  it("takes the endpoints in turn, starting with the first", async () => {
    const balancer = roundRobin({ endpoints: () => [named("a"), named("b"), named("c")] });
    const picked: string[] = [];
    for (let i = 0; i < 7; i++) picked.push(await balancer.endpoint()(background(), null));
    expect(picked).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("skips the endpoints to avoid, taking the next in turn, and ignores avoid when every one is in it", async () => {
    const [a, b, c] = [named("a"), named("b"), named("c")];
    const balancer = roundRobin({ endpoints: () => [a, b, c] });
    expect(await balancer.endpoint(new Set([a]))(background(), null)).toBe("b");
    expect(await balancer.endpoint(new Set([b, c]))(background(), null)).toBe("a");
    expect(await balancer.endpoint(new Set([a, b, c]))(background(), null)).toBe("c");
  });

  it("throws unavailable with no endpoints", () => {
    expect(() => roundRobin({ endpoints: () => [] }).endpoint()).toThrow(
      expect.objectContaining({ code: Code.Unavailable }),
    );
  });
});
