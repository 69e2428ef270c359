import { background, Code, type Endpoint, KitError } from "@kit/endpoint";
import { retry, roundRobin } from "@kit/sd";
import { describe, expect, it } from "vitest";
import { spreadRetry } from "./spread-retry.ts";

/** Three fake instances; `dead` ones fail with `unavailable` after a tick. */
function instances(dead: ReadonlySet<string>): { endpoints: () => Endpoint<number, string>[]; hits: Map<string, number> } {
  const hits = new Map<string, number>();
  const make = (name: string): Endpoint<number, string> => async () => {
    hits.set(name, (hits.get(name) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (dead.has(name)) throw new KitError(Code.Unavailable, `${name} is down`);
    return name;
  };
  const list = ["a", "b", "c"].map(make);
  return { endpoints: () => list, hits };
}

describe("spreadRetry", () => {
  it("spreads successive calls over the instances", async () => {
    const { endpoints, hits } = instances(new Set());
    const call = spreadRetry({ endpoints }, 3, 5_000);
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => call(background(), i)));
    expect(new Set(got)).toEqual(new Set(["a", "b", "c"]));
    expect([...hits.values()]).toEqual([10, 10, 10]);
  });

  it("never sends one call's retry back to the instance that failed it, however many calls run at once", async () => {
    const { endpoints, hits } = instances(new Set(["b"]));
    const call = spreadRetry({ endpoints }, 2, 5_000);
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => call(background(), i)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(hits.get("b")).toBe(100);
  });

  it("where one shared round robin under retry, as Go kit wires it, sends some retries back to the dead instance", async () => {
    const { endpoints } = instances(new Set(["b"]));
    const call = retry(2, 5_000, roundRobin({ endpoints }));
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => call(background(), i)));
    expect(results.filter((r) => r.status === "rejected").length).toBeGreaterThan(0);
  });

  it("fails with every attempt's error when all instances fail, and unavailable with none", async () => {
    const { endpoints } = instances(new Set(["a", "b", "c"]));
    const err: unknown = await spreadRetry({ endpoints }, 3, 5_000)(background(), 1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unavailable", details: { attempts: [{ code: "unavailable" }, { code: "unavailable" }, { code: "unavailable" }] } });
    expect(new Set((err as KitError).message.match(/[abc] is down/g))).toEqual(new Set(["a is down", "b is down", "c is down"]));
    await expect(spreadRetry({ endpoints: () => [] }, 3, 5_000)(background(), 1)).rejects.toMatchObject({ code: "unavailable" });
  });
});
