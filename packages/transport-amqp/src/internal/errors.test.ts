import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { fromAmqpError } from "./errors.ts";

function withCode(message: string, code: number | string): Error {
  return Object.assign(new Error(message), { code });
}

describe("fromAmqpError", () => {
  it.each([
    [withCode("connect ECONNREFUSED 127.0.0.1:5672", "ECONNREFUSED"), Code.Unavailable],
    [withCode("read ECONNRESET", "ECONNRESET"), Code.Unavailable],
    [withCode("Connection closed: 320 (CONNECTION-FORCED) with message \"broker forced connection closure\"", 320), Code.Unavailable],
    [withCode("Channel closed by server: 404 (NOT-FOUND) with message \"NOT_FOUND - no queue 'q'\"", 404), Code.NotFound],
    [withCode("Channel closed by server: 403 (ACCESS-REFUSED)", 403), Code.PermissionDenied],
    [withCode("Channel closed by server: 406 (PRECONDITION-FAILED)", 406), Code.FailedPrecondition],
    [withCode("Channel closed by server: 405 (RESOURCE-LOCKED)", 405), Code.FailedPrecondition],
    [withCode("Connection closed: 541 (INTERNAL-ERROR)", 541), Code.Internal],
    [new Error("Handshake terminated by server: 403 (ACCESS-REFUSED) with message \"ACCESS_REFUSED - Login was refused\""), Code.Unauthenticated],
    [new Error("Channel closed"), Code.Unavailable],
    [new Error("Heartbeat timeout"), Code.Unavailable],
    [new Error("something else"), Code.Unknown],
  ])("%s is %s", (thrown, code) => {
    const err = fromAmqpError(thrown, "AMQP test");
    expect(err.code).toBe(code);
    expect(err.message).toBe(`AMQP test: ${thrown.message}`);
    expect(err.cause).toBe(thrown);
  });

  it("keeps a KitError as it is", () => {
    const err = new KitError(Code.Aborted, "x");
    expect(fromAmqpError(err, "AMQP test")).toBe(err);
  });
});
