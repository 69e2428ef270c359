import { background, Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { decodeError } from "./error-decoder.ts";

describe("decodeError", () => {
  it("reads a Kit error body back into its code, message and details", async () => {
    const response = new Response('{"code":"already_exists","message":"taken","details":{"id":7}}', { status: 409 });
    const err = await decodeError(background(), response);
    expect([err.code, err.message, err.details]).toEqual([Code.AlreadyExists, "taken", { id: 7 }]);
  });

  it("falls back to the status and the start of any other body", async () => {
    const page = await decodeError(background(), new Response(`<h1>${"x".repeat(300)}</h1>`, { status: 502, statusText: "Bad Gateway" }));
    expect([page.code, page.message, page.details]).toEqual([Code.Unavailable, `HTTP 502 Bad Gateway: <h1>${"x".repeat(196)}`, { status: 502 }]);
    const foreign = await decodeError(background(), new Response('{"code":"NOT_A_KIT_CODE","message":"m"}', { status: 404 }));
    expect([foreign.code, foreign.message]).toEqual([Code.NotFound, 'HTTP 404: {"code":"NOT_A_KIT_CODE","message":"m"}']);
    const empty = await decodeError(background(), new Response(null, { status: 503 }));
    expect(empty.message).toBe("HTTP 503");
  });

  it("reads at most 64 KiB of the body, and stops an endless one", async () => {
    let sent = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        sent += 1024;
        yield await Promise.resolve(new Uint8Array(1024).fill(0x61));
      }
    }
    const err = await decodeError(background(), new Response(endless(), { status: 500 }));
    expect(err.code).toBe(Code.Internal);
    expect(sent).toBeLessThan(128 * 1024);
  });
});
