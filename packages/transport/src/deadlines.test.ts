import { describe, expect, it } from "vitest";
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
});
