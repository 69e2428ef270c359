import { Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { codeFromHttpStatus, httpStatusFromCode } from "./http-status.ts";

describe("httpStatusFromCode", () => {
  it("uses the canonical google.rpc mapping for every code", () => {
    const table = Object.fromEntries(Object.values(Code).map((code) => [code, httpStatusFromCode(code)]));
    expect(table).toEqual({
      canceled: 499,
      unknown: 500,
      invalid_argument: 400,
      deadline_exceeded: 504,
      not_found: 404,
      already_exists: 409,
      permission_denied: 403,
      resource_exhausted: 429,
      failed_precondition: 400,
      aborted: 409,
      out_of_range: 400,
      unimplemented: 501,
      internal: 500,
      unavailable: 503,
      data_loss: 500,
      unauthenticated: 401,
    });
  });
});

describe("codeFromHttpStatus", () => {
  it("reads the usual statuses of foreign servers and proxies", () => {
    const table = Object.fromEntries(
      [400, 401, 403, 404, 405, 408, 409, 412, 413, 415, 416, 422, 429, 499, 500, 501, 502, 503, 504].map((s) => [
        s,
        codeFromHttpStatus(s),
      ]),
    );
    expect(table).toEqual({
      400: "invalid_argument",
      401: "unauthenticated",
      403: "permission_denied",
      404: "not_found",
      405: "unimplemented",
      408: "deadline_exceeded",
      409: "aborted",
      412: "failed_precondition",
      413: "resource_exhausted",
      415: "invalid_argument",
      416: "out_of_range",
      422: "invalid_argument",
      429: "resource_exhausted",
      499: "canceled",
      500: "internal",
      501: "unimplemented",
      502: "unavailable",
      503: "unavailable",
      504: "unavailable",
    });
  });

  it("reads any other status as unknown", () => {
    expect([302, 402, 418, 507, 200].map((s) => codeFromHttpStatus(s))).toEqual(["unknown", "unknown", "unknown", "unknown", "unknown"]);
  });

  it("maps each code's own status back to the same code or one a client treats the same way", () => {
    // Statuses shared by several codes (400, 409, 500) come back as the most common of them;
    // a Kit client never relies on this, it reads the code from the body.
    for (const code of [Code.InvalidArgument, Code.NotFound, Code.PermissionDenied, Code.Unauthenticated, Code.ResourceExhausted, Code.Canceled, Code.Internal, Code.Unimplemented, Code.Unavailable]) {
      expect(codeFromHttpStatus(httpStatusFromCode(code))).toBe(code);
    }
  });
});
