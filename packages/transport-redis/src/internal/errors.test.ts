import { Code, KitError } from "@kit/endpoint";
import { AbortError, ClientClosedError, ClientOfflineError, ErrorReply, SimpleError, SocketClosedUnexpectedlyError, SocketTimeoutDuringMaintenanceError, TimeoutError } from "redis";
import { describe, expect, it } from "vitest";
import { fromRedisError } from "./errors.ts";

describe("fromRedisError", () => {
  it.each([
    [new SimpleError("NOGROUP No such key 'x' or consumer group 'g' in XREADGROUP with GROUP option"), Code.NotFound],
    [new SimpleError("BUSYGROUP Consumer Group name already exists"), Code.AlreadyExists],
    [new SimpleError("WRONGTYPE Operation against a key holding the wrong kind of value"), Code.FailedPrecondition],
    [new SimpleError("NOPERM User kit has no permissions to run the 'xadd' command"), Code.PermissionDenied],
    [new SimpleError("WRONGPASS invalid username-password pair or user is disabled."), Code.Unauthenticated],
    [new SimpleError("OOM command not allowed when used memory > 'maxmemory'."), Code.ResourceExhausted],
    [new SimpleError("LOADING Redis is loading the dataset in memory"), Code.Unavailable],
    [new SimpleError("READONLY You can't write against a read only replica."), Code.Unavailable],
    [new SimpleError("ERR The XGROUP subcommand requires the key to exist."), Code.NotFound],
    [new SimpleError("ERR unknown command 'XAUTOCLAIM'"), Code.Unimplemented],
    [new SimpleError("ERR syntax error"), Code.InvalidArgument],
    [new ErrorReply("ERR something else"), Code.Internal],
    [new SocketClosedUnexpectedlyError(), Code.Unavailable],
    [new ClientOfflineError(), Code.Unavailable],
    [new ClientClosedError(), Code.FailedPrecondition],
    [new TimeoutError("Command timeout"), Code.DeadlineExceeded],
    [new SocketTimeoutDuringMaintenanceError(100), Code.DeadlineExceeded],
    [new AbortError(), Code.Canceled],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), Code.Unavailable],
    [new Error("something"), Code.Unknown],
    ["a string", Code.Unknown],
  ])("codes %s", (thrown, code) => {
    const err = fromRedisError(thrown, "XADD orders");
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/^Redis XADD orders: /);
    expect(err.cause).toBe(thrown);
  });

  it("reads errors from another copy of node-redis by their class names (an app's own redis)", () => {
    // Stand-ins for the classes of a second copy of node-redis: the same names, other classes.
    class ErrorReply extends Error {}
    class SimpleError extends ErrorReply {}
    class SocketClosedUnexpectedlyError extends Error {}
    expect(fromRedisError(new SimpleError("BUSYGROUP Consumer Group name already exists"), "XGROUP CREATE").code).toBe(Code.AlreadyExists);
    expect(fromRedisError(new SocketClosedUnexpectedlyError("Socket closed unexpectedly"), "XADD orders").code).toBe(Code.Unavailable);
  });

  it("passes a KitError through", () => {
    const err = new KitError(Code.InvalidArgument, "no");
    expect(fromRedisError(err, "XADD orders")).toBe(err);
  });
});
