import { describe, expect, it } from "vitest";
import { subscriberGroup } from "./subscriber-group.ts";
import type { Subscriber } from "./subscriber-options.ts";
import { whenReady } from "./when-ready.ts";

/** A subscriber whose `ready` settles as `outcome` says, counting its closes. */
function settled(outcome: "starts" | Error): { subscriber: Subscriber; closes: () => number } {
  let closes = 0;
  const ready = outcome === "starts" ? Promise.resolve() : Promise.reject(outcome);
  ready.catch(() => undefined);
  const close = (): Promise<void> => {
    closes += 1;
    return Promise.resolve();
  };
  return { subscriber: { ready, close, [Symbol.asyncDispose]: close }, closes: () => closes };
}

describe("whenReady", () => {
  it("resolves with the subscriber once it is ready, leaving it running", async () => {
    const one = settled("starts");
    expect(await whenReady(one.subscriber)).toBe(one.subscriber);
    expect(one.closes()).toBe(0);
  });

  it("closes every subscriber of a group, the started ones too, and throws the error of the one that could not start", async () => {
    const started = settled("starts");
    const failed = settled(new Error("queue not found"));
    await expect(whenReady(subscriberGroup([started.subscriber, failed.subscriber]))).rejects.toThrow("queue not found");
    expect([started.closes(), failed.closes()]).toEqual([1, 1]);
  });
});
