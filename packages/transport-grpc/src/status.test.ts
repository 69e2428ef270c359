import { status as Status } from "@grpc/grpc-js";
import { Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { codeFromStatus, statusFromCode } from "./status.ts";

describe("statusFromCode / codeFromStatus", () => {
  it.each([
    [Code.Canceled, Status.CANCELLED, 1],
    [Code.Unknown, Status.UNKNOWN, 2],
    [Code.InvalidArgument, Status.INVALID_ARGUMENT, 3],
    [Code.DeadlineExceeded, Status.DEADLINE_EXCEEDED, 4],
    [Code.NotFound, Status.NOT_FOUND, 5],
    [Code.AlreadyExists, Status.ALREADY_EXISTS, 6],
    [Code.PermissionDenied, Status.PERMISSION_DENIED, 7],
    [Code.ResourceExhausted, Status.RESOURCE_EXHAUSTED, 8],
    [Code.FailedPrecondition, Status.FAILED_PRECONDITION, 9],
    [Code.Aborted, Status.ABORTED, 10],
    [Code.OutOfRange, Status.OUT_OF_RANGE, 11],
    [Code.Unimplemented, Status.UNIMPLEMENTED, 12],
    [Code.Internal, Status.INTERNAL, 13],
    [Code.Unavailable, Status.UNAVAILABLE, 14],
    [Code.DataLoss, Status.DATA_LOSS, 15],
    [Code.Unauthenticated, Status.UNAUTHENTICATED, 16],
  ])("maps %s to status %s (%i) and back", (code, status, number) => {
    expect(statusFromCode(code)).toBe(status);
    expect(status).toBe(number);
    expect(codeFromStatus(status)).toBe(code);
  });

  it("covers every code", () => {
    expect(new Set(Object.values(Code).map(statusFromCode)).size).toBe(Object.values(Code).length);
  });

  it("reads OK and numbers outside the canonical set as unknown", () => {
    expect(codeFromStatus(Status.OK)).toBe(Code.Unknown);
    expect(codeFromStatus(99)).toBe(Code.Unknown);
  });
});
