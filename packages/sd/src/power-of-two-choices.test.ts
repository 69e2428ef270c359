import { background, Code, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { powerOfTwoChoices } from "./power-of-two-choices.ts";

/** An endpoint that answers with its name once `release` is called. */
function held(name: string): { endpoint: Endpoint<null, string>; release: () => void } {
  const waiting: (() => void)[] = [];
  return {
    endpoint: () =>
      new Promise((resolve) => {
        waiting.push(() => {
          resolve(name);
        });
      }),
    release: () => {
      for (const r of waiting.splice(0)) r();
    },
  };
}

/** A generator that returns the given numbers in turn. */
const sequence = (...values: number[]) => () => values.shift() ?? 0;

describe("powerOfTwoChoices", () => {
  it("prefers the less loaded of the two it draws", async () => {
    const a = held("a");
    const b = held("b");
    const c = held("c");
    const source = { endpoints: () => [a.endpoint, b.endpoint, c.endpoint] };
    // Draws are (first index, offset into the others): (a, b), (a, b), (b, a), (a, c).
    const balancer = powerOfTwoChoices(source, sequence(0, 0, 0, 0, 0.4, 0.9, 0, 0.9));
    const first = balancer.endpoint()(background(), null); // a vs b, tie: a
    const second = balancer.endpoint()(background(), null); // a (1) vs b (0): b
    const third = balancer.endpoint()(background(), null); // b (1) vs a (1), tie: b
    const fourth = balancer.endpoint()(background(), null); // a (1) vs c (0): c
    a.release();
    b.release();
    c.release();
    expect(await Promise.all([first, second, third, fourth])).toEqual(["a", "b", "b", "c"]);
  });

  it("counts a request as in flight until it settles, failures included", async () => {
    let fail = true;
    const a: Endpoint<null, string> = () => (fail ? Promise.reject(new Error("x")) : Promise.resolve("a"));
    const b = held("b");
    const balancer = powerOfTwoChoices({ endpoints: () => [a, b.endpoint] }, () => 0);
    await expect(balancer.endpoint()(background(), null)).rejects.toThrow("x"); // a, now settled
    fail = false;
    expect(await balancer.endpoint()(background(), null)).toBe("a"); // still a: nothing in flight
  });

  it("steers load away from a slow endpoint", async () => {
    let slowCalls = 0;
    const slow: Endpoint<null, string> = () => {
      slowCalls++;
      return new Promise(() => undefined); // never answers
    };
    const fast: Endpoint<null, string> = () => Promise.resolve("fast");
    const balancer = powerOfTwoChoices({ endpoints: () => [slow, fast] });
    void balancer.endpoint()(background(), null); // a tie: either one
    void balancer.endpoint()(background(), null); // the other one, whichever is less loaded now
    await new Promise((resolve) => setImmediate(resolve)); // let fast's call settle
    const answers: string[] = [];
    for (let i = 0; i < 100; i++) answers.push(await balancer.endpoint()(background(), null));
    expect(answers).toEqual(Array.from({ length: 100 }, () => "fast"));
    // With two endpoints both are always drawn, so once slow holds a request, fast wins every time.
    expect(slowCalls).toBe(1);
  });

  it("returns the only endpoint when there is one", async () => {
    const only: Endpoint<null, string> = () => Promise.resolve("only");
    expect(await powerOfTwoChoices({ endpoints: () => [only] }).endpoint()(background(), null)).toBe("only");
  });

  it("throws unavailable with no endpoints", () => {
    expect(() => powerOfTwoChoices({ endpoints: () => [] }).endpoint()).toThrow(
      expect.objectContaining({ code: Code.Unavailable }),
    );
  });
});
