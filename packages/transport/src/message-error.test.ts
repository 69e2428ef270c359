import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { readError, writeError } from "./message-error.ts";

describe("writeError", () => {
  it("writes the code and message as kit-error-code and kit-error-message", () => {
    const headers = new Map<string, string>();
    writeError(headers, new KitError(Code.NotFound, "no such order"));
    expect(Object.fromEntries(headers)).toEqual({ "kit-error-code": "not_found", "kit-error-message": "no such order" });
  });

  it("turns line breaks into spaces and cuts a very long message short", () => {
    const headers = new Map<string, string>();
    writeError(headers, new KitError(Code.Internal, "line one\r\nline two"));
    expect(headers.get("kit-error-message")).toBe("line one line two");
    writeError(headers, new KitError(Code.Internal, "x".repeat(5_000)));
    expect(headers.get("kit-error-message")).toHaveLength(1_024);
    expect(headers.get("kit-error-message")?.endsWith("…")).toBe(true);
  });
});

describe("readError", () => {
  it("reads back the error writeError wrote", () => {
    const headers = new Map<string, string>();
    writeError(headers, new KitError(Code.PermissionDenied, "not yours"));
    const err = readError(headers);
    expect([err?.code, err?.message]).toEqual(["permission_denied", "not yours"]);
  });

  it("returns undefined for a message without an error", () => {
    expect(readError(new Map())).toBeUndefined();
  });

  it("reads a code it does not know as unknown", () => {
    expect(readError(new Map([["kit-error-code", "teapot"]]))?.code).toBe("unknown");
  });
});
