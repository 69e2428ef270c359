import { describe, expect, it } from "vitest";
import { parseAddr } from "./parse-addr.ts";

describe("parseAddr", () => {
  it.each([
    ["127.0.0.1:8081", { host: "127.0.0.1", port: 8081 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:9000", { host: "::1", port: 9000 }],
    ["0.0.0.0:65535", { host: "0.0.0.0", port: 65_535 }],
    [":8081", { host: "127.0.0.1", port: 8081 }], // Go kit's default form, kept on loopback
  ])("reads %s", (addr, want) => {
    expect(parseAddr(addr)).toEqual(want);
  });

  it.each(["8081", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1", ""])("refuses %j with a RangeError quoting it and saying what it wants", (addr) => {
    expect(() => parseAddr(addr)).toThrow(new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`));
  });
});
