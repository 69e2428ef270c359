import { background, type Context, contextKey, isKitError, withValue } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { callerLimit } from "./caller-limit.ts";

const who = contextKey<string>("who");
const as = (name: string): Context => withValue(background(), who, name);
const code = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: unknown) => (isKitError(e) ? e.code : "?"));

describe("callerLimit", () => {
  it("gives each caller their own burst, then resource_exhausted", async () => {
    const limited = callerLimit<undefined, string>({ rate: 0.001, burst: 2, caller: (ctx) => ctx.value(who) })(() => Promise.resolve("x"));
    const ann = [await code(limited(as("ann"), undefined)), await code(limited(as("ann"), undefined)), await code(limited(as("ann"), undefined))];
    expect(ann).toEqual(["ok", "ok", "resource_exhausted"]);
    expect(await code(limited(as("bob"), undefined))).toBe("ok");
  });

  it("refuses a call without a caller as unauthenticated", async () => {
    const limited = callerLimit<undefined, string>({ rate: 1, burst: 1, caller: (ctx) => ctx.value(who) })(() => Promise.resolve("x"));
    expect(await code(limited(background(), undefined))).toBe("unauthenticated");
  });

  it("keeps at most maxCallers buckets, dropping the least recently seen", async () => {
    const limited = callerLimit<undefined, string>({ rate: 0.001, burst: 1, caller: (ctx) => ctx.value(who), maxCallers: 2 })(() => Promise.resolve("x"));
    await limited(as("a"), undefined);
    await limited(as("b"), undefined);
    expect(await code(limited(as("a"), undefined))).toBe("resource_exhausted"); // a is now the most recent
    await limited(as("c"), undefined); // drops b
    expect(await code(limited(as("a"), undefined))).toBe("resource_exhausted");
    expect(await code(limited(as("b"), undefined))).toBe("ok"); // a fresh bucket
  });
});
