import { encodeJSONMessage, writeTextBody } from "@kit/transport";
import { createOutgoingMessage } from "@kit/transport/driver";
import { background } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { fromSqsBody, outgoingSqsBody } from "./body.ts";

describe("outgoingSqsBody", () => {
  it("sends the text an encoder wrote, the same text its bytes decode to", () => {
    const message = createOutgoingMessage();
    encodeJSONMessage(background(), { city: "Zürich", emoji: "🚲" }, message);
    expect(outgoingSqsBody(message)).toBe('{"city":"Zürich","emoji":"🚲"}');
    expect(outgoingSqsBody(message)).toBe(Buffer.from(message.body).toString("utf8"));
  });

  it("sends a lone surrogate as U+FFFD, as the body's UTF-8 bytes carry it", () => {
    const message = createOutgoingMessage();
    writeTextBody(message, "a\uD800b");
    expect(outgoingSqsBody(message)).toBe("a\uFFFDb");
  });

  it("sends an empty body as one space marked kit-empty-body, which the receiver reads back as empty", () => {
    const message = createOutgoingMessage();
    writeTextBody(message, "");
    expect(outgoingSqsBody(message)).toBe(" ");
    expect(message.headers.get("kit-empty-body")).toBe("1");
    expect(fromSqsBody(" ", new Map(message.headers)).byteLength).toBe(0);
  });

  it("decodes bytes set as the body, and refuses bytes that are not UTF-8", () => {
    const message = createOutgoingMessage();
    message.body = Buffer.from("plain");
    expect(outgoingSqsBody(message)).toBe("plain");
    message.body = new Uint8Array([0xff, 0xfe]);
    expect(() => outgoingSqsBody(message)).toThrow(/must be UTF-8/);
  });
});
