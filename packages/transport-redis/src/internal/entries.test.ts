import { Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { entryCommand, toMessage } from "./entries.ts";

const bytesOf = (arg: string | Buffer | undefined): number[] => [...(typeof arg === "string" ? Buffer.from(arg) : (arg ?? Buffer.alloc(0)))];

describe("entryCommand", () => {
  it.each([
    ["JSON text", new TextEncoder().encode('{"a":1}')],
    ["text with a byte order mark", Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])],
    ["bytes that are not UTF-8", Uint8Array.from([0xff, 0x00, 0xfe])],
    ["an empty body", new Uint8Array(0)],
    ["a view into a larger buffer", new Uint8Array(Uint8Array.from([1, 2, 0x61, 0x62, 3]).buffer, 2, 2)],
  ])("puts the body's bytes on the wire as they are: %s", (_name, body) => {
    const args = entryCommand(["XADD", "s", "*"], body, new Map([["content-type", "application/json"]]));
    expect(args.slice(0, 4)).toEqual(["XADD", "s", "*", "body"]);
    expect(bytesOf(args[4])).toEqual([...body]);
    expect(args.slice(5)).toEqual(["content-type", "application/json"]);
  });

  it("passes a body's text, as the encoder wrote it, as that string", () => {
    const args = entryCommand(["XADD", "s", "*"], '{"word":"héllo €"}', new Map());
    expect(args).toEqual(["XADD", "s", "*", "body", '{"word":"héllo €"}']);
  });

  it("refuses a header named body", () => {
    expect(() => entryCommand([], new Uint8Array(0), new Map([["body", "x"]]))).toThrow(expect.objectContaining({ code: Code.InvalidArgument }) as Error);
  });
});

describe("toMessage", () => {
  it("reads body and lower-cased headers; marks garbage and foreign reply streams", () => {
    const ok = toMessage({ id: "1-0", fields: [Buffer.from("Body"), Buffer.from([0xff]), Buffer.from("X-Trace"), Buffer.from("t")] }, 3, () => true);
    expect({ body: [...ok.body], headers: Object.fromEntries(ok.headers), attempt: ok.attempt, refused: ok.refused }).toEqual({
      body: [0xff],
      headers: { "x-trace": "t" },
      attempt: 3,
      refused: undefined,
    });
    expect(toMessage({ id: "2-0", fields: ["payload", "x"] }, 1, () => true).refused?.code).toBe(Code.InvalidArgument);
    const foreign = toMessage({ id: "3-0", fields: ["body", "{}", "kit-reply-to", "elsewhere"] }, 1, () => false);
    expect({ code: foreign.refused?.code, reply: foreign.reply }).toEqual({ code: Code.PermissionDenied, reply: undefined });
  });
});
