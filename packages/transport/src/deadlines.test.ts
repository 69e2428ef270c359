import { describe, expect, it, vi } from "vitest";
import { Deadlines } from "./deadlines.ts";

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("Deadlines", () => {
  it("expires each entry once its deadline passes, soonest first, and never one deleted in time", async () => {
    const expired: string[] = [];
    const deadlines = new Deadlines<{ name: string; expires: number }>((entry) => expired.push(entry.name));
    const now = Date.now();
    const late = { name: "late", expires: now + 60 };
    const early = { name: "early", expires: now + 20 };
    const finished = { name: "finished", expires: now + 10 };
    deadlines.add(late);
    deadlines.add(early); // sooner than the armed timer: it is set again
    deadlines.add(finished);
    deadlines.delete(finished);
    await wait(40);
    expect(expired).toEqual(["early"]);
    await wait(60);
    expect(expired).toEqual(["early", "late"]);
  });

  it("expires at once an entry whose deadline has already passed", async () => {
    const expired: number[] = [];
    const deadlines = new Deadlines<{ expires: number }>((entry) => expired.push(entry.expires));
    const past = Date.now() - 5;
    deadlines.add({ expires: past });
    await wait(5);
    expect(expired).toEqual([past]);
  });

  it("waits quietly for a deadline further away than a timer can count (24.8 days), rather than waking every millisecond", async () => {
    const timers = vi.spyOn(globalThis, "setTimeout");
    const expired: number[] = [];
    const deadlines = new Deadlines<{ expires: number }>((entry) => expired.push(entry.expires));
    const entry = { expires: Date.now() + 30 * 24 * 3_600_000 };
    deadlines.add(entry);
    await wait(50);
    const armed = timers.mock.calls.length;
    timers.mockRestore();
    deadlines.delete(entry);
    expect(expired).toEqual([]);
    expect(armed).toBeLessThanOrEqual(2); // the first arming (and the test's own wait), not one per millisecond
  });
});
