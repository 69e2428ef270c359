import { Code, KitError } from "@kit/endpoint";
import { errors } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import { fromNatsError } from "./errors.ts";

describe("fromNatsError", () => {
  it.each<[Error, string, RegExp]>([
    [new errors.RequestError("no responders", { cause: new errors.NoRespondersError("svc.sum") }), "unavailable", /no responders/],
    [new errors.TimeoutError(), "deadline_exceeded", /timeout/],
    [new errors.ClosedConnectionError(), "unavailable", /closed/],
    [new errors.PermissionViolationError("denied", "publish", "svc.sum"), "permission_denied", /denied/],
    [new errors.InvalidSubjectError("a b"), "invalid_argument", /a b/],
    [new Error("something else"), "unknown", /something else/],
  ])("maps %s to its code, naming the subject", (err, code, message) => {
    const kit = fromNatsError(err, "svc.sum");
    expect(kit.code).toBe(code);
    expect(kit.message).toMatch(message);
    expect(kit.message).toContain("svc.sum");
    expect(kit.cause).toBe(err);
  });

  it("keeps a KitError as it is", () => {
    const err = new KitError(Code.Canceled, "context canceled");
    expect(fromNatsError(err, "x")).toBe(err);
  });

  it("turns a thrown non-error into unknown", () => {
    expect(fromNatsError("boom", "x").code).toBe("unknown");
  });
});
