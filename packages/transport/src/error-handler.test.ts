import { background, Code, KitError } from "@kit/endpoint";
import { describe, expect, it, vi } from "vitest";
import { logErrorHandler, observeErrors, type ErrorHandler } from "./error-handler.ts";

describe("logErrorHandler", () => {
  it("logs the error and its code as key/value pairs", () => {
    const lines: unknown[][] = [];
    const handler = logErrorHandler({ log: (...keyvals) => lines.push(keyvals) });
    const err = new KitError(Code.NotFound, "no such order");
    handler.handle(background(), err);
    expect(lines).toEqual([["err", err, "code", "not_found"]]);
  });
});

describe("observeErrors", () => {
  it("hands each error to the handler, and never throws or leaves a rejection when the handler fails", async () => {
    const seen: string[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    const err = new KitError(Code.NotFound, "gone");
    observeErrors({ handle: (_ctx, e) => void seen.push(e.code) })(background(), err);
    expect(() => {
      observeErrors({ handle: () => { throw new Error("handler broke"); } })(background(), err);
    }).not.toThrow();
    // A handler written as an async function returns a promise, which the type does not show.
    const asyncHandler = { handle: () => Promise.reject(new Error("async handler broke")) } as unknown as ErrorHandler;
    observeErrors(asyncHandler)(background(), err);
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off("unhandledRejection", onUnhandled);
    expect(seen).toEqual(["not_found"]);
    expect(unhandled).toEqual([]);
  });
});

describe("observeErrors without a handler", () => {
  it("writes each error as one warning line to stderr, as defaultErrorHandler does", () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      observeErrors(undefined)(background(), new KitError(Code.NotFound, "queue orders\ndoes not exist"));
    } finally {
      write.mockRestore();
    }
    expect(written).toEqual(["kit: not_found: queue orders does not exist (no errorHandler was given; pass one to handle errors)\n"]);
  });
});
