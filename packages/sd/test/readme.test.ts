// The README's example, line for line, with its results asserted.
import { background, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { endpointer, fixedInstancer, type Factory, powerOfTwoChoices, retry } from "../src/index.ts";

describe("README example", () => {
  it("balances and retries over the instances of a fixed instancer", async () => {
    const closed: string[] = [];
    // In production: an HTTP or gRPC client for `instance`, closed with its connection pool.
    const factory: Factory<{ a: number; b: number }, number> = (instance) => ({
      endpoint: (_ctx, { a, b }) => Promise.resolve(a + b),
      close: () => void closed.push(instance),
    });
    const instances = fixedInstancer(["10.0.0.1:8080", "10.0.0.2:8080"]); // or a @kit/sd-* registry
    const endpoints = endpointer(instances, factory, { invalidateOnError: 30_000 });
    const sum: Endpoint<{ a: number; b: number }, number> = retry(3, 2_000, powerOfTwoChoices(endpoints));

    expect(await sum(background(), { a: 1, b: 2 })).toBe(3);
    await endpoints.close(); // closes every instance's endpoint
    expect(closed).toEqual(["10.0.0.1:8080", "10.0.0.2:8080"]);
  });
});
