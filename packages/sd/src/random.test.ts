import { background, Code, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { random } from "./random.ts";

const named = (name: string): Endpoint<null, string> => () => Promise.resolve(name);

describe("random", () => {
  it("picks the endpoint the generator points at, even for a generator that returns 1", async () => {
    const values = [0, 0.5, 0.99, 1];
    const balancer = random({ endpoints: () => [named("a"), named("b"), named("c")] }, () => values.shift() ?? 0);
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) picked.push(await balancer.endpoint()(background(), null));
    expect(picked).toEqual(["a", "b", "c", "c"]);
  });

  it("spreads calls over every endpoint with Math.random", async () => {
    const balancer = random({ endpoints: () => [named("a"), named("b"), named("c")] });
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const name = await balancer.endpoint()(background(), null);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    // Each expects 1000; below 700 has a probability far under 1e-20.
    for (const name of ["a", "b", "c"]) expect(counts.get(name)).toBeGreaterThan(700);
  });

  it("picks among the endpoints not to avoid, or among all when every one is to avoid", async () => {
    const [a, b, c] = [named("a"), named("b"), named("c")];
    const balancer = random({ endpoints: () => [a, b, c] }, () => 0.99);
    expect(await balancer.endpoint(new Set([c]))(background(), null)).toBe("b");
    expect(await balancer.endpoint(new Set([a, b, c]))(background(), null)).toBe("c");
  });

  it("throws unavailable with no endpoints", () => {
    expect(() => random({ endpoints: () => [] }).endpoint()).toThrow(expect.objectContaining({ code: Code.Unavailable }));
  });
});
