import { describe, expect, it } from "vitest";
import { parseAddr } from "./generated/add.serve.ts";

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
