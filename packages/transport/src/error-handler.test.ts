import { background, Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { logErrorHandler } from "./error-handler.ts";

describe("logErrorHandler", () => {
  it("logs the error and its code as key/value pairs", () => {
    const lines: unknown[][] = [];
    const handler = logErrorHandler({ log: (...keyvals) => lines.push(keyvals) });
    const err = new KitError(Code.NotFound, "no such order");
    handler.handle(background(), err);
    expect(lines).toEqual([["err", err, "code", "not_found"]]);
  });
});
