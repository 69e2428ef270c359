import { background } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { encodeJSONMessage } from "./message-codec.ts";
import type { OutgoingMessage } from "./message.ts";
import { createOutgoingMessage, textBody, writeTextBody } from "./outgoing-message.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array): string => new TextDecoder().decode(body);

describe("createOutgoingMessage", () => {
  it("starts with an empty body, no headers and no text", () => {
    const message = createOutgoingMessage();
    expect(message.body.byteLength).toBe(0);
    expect(message.headers.size).toBe(0);
    expect(textBody(message)).toBeUndefined();
  });

  it("keeps the text an encoder wrote, and reads as its UTF-8 bytes", () => {
    const message = createOutgoingMessage();
    encodeJSONMessage(background(), { word: "héllo €" }, message);
    expect(textBody(message)).toBe('{"word":"héllo €"}');
    expect(text(message.body)).toBe('{"word":"héllo €"}');
    expect(message.headers.get("content-type")).toBe("application/json");
  });

  it("forgets the text once body is read, since the reader may change the bytes", () => {
    const message = createOutgoingMessage();
    writeTextBody(message, "abc");
    const body = message.body;
    body[0] = 0x78; // "x"
    expect(textBody(message)).toBeUndefined();
    expect(text(message.body)).toBe("xbc");
  });

  it("forgets the text when body is set, and keeps the newest of the two", () => {
    const message = createOutgoingMessage();
    writeTextBody(message, "old");
    message.body = bytes("new");
    expect(textBody(message)).toBeUndefined();
    expect(text(message.body)).toBe("new");
    writeTextBody(message, "newer");
    expect(textBody(message)).toBe("newer");
    expect(text(message.body)).toBe("newer");
  });
});

describe("writeTextBody", () => {
  it("sets the bytes of a plain message, which has no text", () => {
    const message: OutgoingMessage = { body: new Uint8Array(0), headers: new Map() };
    writeTextBody(message, "ünï");
    expect(text(message.body)).toBe("ünï");
    expect(textBody(message)).toBeUndefined();
  });
});
