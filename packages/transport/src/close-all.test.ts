import { describe, expect, it } from "vitest";
import { closeAll } from "./close-all.ts";

describe("closeAll", () => {
  it("runs every stop, last first", async () => {
    const closed: string[] = [];
    await closeAll(["connection", "subscribers"].map((name) => () => Promise.resolve(closed.push(name))));
    expect(closed).toEqual(["subscribers", "connection"]);
  });

  it("runs the stops before and after one that fails, then throws the first failure", async () => {
    const closed: string[] = [];
    const stops = [
      () => Promise.resolve(closed.push("first")),
      () => Promise.reject(new Error("second failed")),
      () => Promise.reject(new Error("third failed")),
      () => Promise.resolve(closed.push("fourth")),
    ];
    await expect(closeAll(stops)).rejects.toThrow("third failed");
    expect(closed).toEqual(["fourth", "first"]);
  });

  it("resolves with nothing to close", async () => {
    await expect(closeAll([])).resolves.toBeUndefined();
  });
});
