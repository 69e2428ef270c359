import { describe, expect, it } from "vitest";
import { durationSummary, parseAddr } from "./app.ts";

describe("parseAddr", () => {
  it.each([
    ["127.0.0.1:8081", { host: "127.0.0.1", port: 8081 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:9000", { host: "::1", port: 9000 }],
    [":8081", { host: "127.0.0.1", port: 8081 }], // Go kit's default form, kept on loopback
  ])("reads %s", (addr, want) => {
    expect(parseAddr(addr)).toEqual(want);
  });

  it.each(["8081", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1"])("refuses %s, saying what it wants", (addr) => {
    expect(() => parseAddr(addr)).toThrow(/want host:port/);
  });
});

describe("durationSummary", () => {
  it("keeps a count and a sum per method and success, in first-seen order", () => {
    const summary = durationSummary();
    summary.observe(0.5, { method: "Sum", success: "true" });
    summary.observe(0.25, { method: "Concat", success: "true" });
    summary.observe(1, { method: "Sum", success: "true" });
    summary.observe(2, { method: "Sum", success: "false" });
    expect(summary.rows()).toEqual([
      { method: "Sum", success: "true", count: 2, sumSeconds: 1.5 },
      { method: "Concat", success: "true", count: 1, sumSeconds: 0.25 },
      { method: "Sum", success: "false", count: 1, sumSeconds: 2 },
    ]);
  });
});
