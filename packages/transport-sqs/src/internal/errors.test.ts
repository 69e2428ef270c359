import * as sqs from "@aws-sdk/client-sqs";
import { Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { fromBatchFailure, fromSqsError, sqsErrorCode, sqsErrorCodes } from "./errors.ts";

/** Every error class the SDK models for SQS, by name. */
const modeled = Object.entries(sqs).filter(
  ([name, value]) => typeof value === "function" && value.prototype instanceof sqs.SQSServiceException && name !== "SQSServiceException",
) as [string, new (options: { message: string; $metadata: object }) => Error][];

describe("sqsErrorCodes", () => {
  it("gives every error the SDK models for SQS a code of its own", () => {
    expect(modeled.length).toBeGreaterThan(20);
    const missing = modeled.map(([name]) => name).filter((name) => !sqsErrorCodes.has(name));
    expect(missing).toEqual([]);
  });

  it("maps the SDK's own exceptions by name: a missing queue is not_found, throttling resource_exhausted", () => {
    const made = (name: string): Error => {
      const found = modeled.find(([n]) => n === name);
      if (found === undefined) throw new Error(`the SDK has no ${name}`);
      return new found[1]({ message: `${name} happened`, $metadata: { httpStatusCode: 400 } });
    };
    expect(sqsErrorCode(made("QueueDoesNotExist"))).toBe(Code.NotFound);
    expect(sqsErrorCode(made("RequestThrottled"))).toBe(Code.ResourceExhausted);
    expect(sqsErrorCode(made("KmsAccessDenied"))).toBe(Code.PermissionDenied);
    expect(sqsErrorCode(made("ReceiptHandleIsInvalid"))).toBe(Code.FailedPrecondition);
    expect(sqsErrorCode(made("InvalidAttributeValue"))).toBe(Code.InvalidArgument);
    expect(fromSqsError(made("QueueDoesNotExist"), "send to q")).toMatchObject({ code: Code.NotFound, message: "SQS send to q: QueueDoesNotExist happened" });
  });
});

describe("sqsErrorCode", () => {
  it("calls a network failure unavailable, as the SDK throws it (a Node error with a code)", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_SOCKET"]) {
      expect(sqsErrorCode(Object.assign(new Error(`connect ${code}`), { code, $metadata: {} }))).toBe(Code.Unavailable);
    }
  });

  it("falls back on the SDK's classing: 5xx and server faults unavailable, throttling resource_exhausted, other 4xx by status", () => {
    const sdk = (fields: object): Error => Object.assign(new Error("x"), { name: "SomethingNew" }, fields);
    expect(sqsErrorCode(sdk({ $fault: "server", $metadata: { httpStatusCode: 500 } }))).toBe(Code.Unavailable);
    expect(sqsErrorCode(sdk({ $metadata: { httpStatusCode: 503 } }))).toBe(Code.Unavailable);
    expect(sqsErrorCode(sdk({ $fault: "server", $metadata: {} }))).toBe(Code.Unavailable);
    expect(sqsErrorCode(sdk({ $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } }))).toBe(Code.ResourceExhausted);
    expect(sqsErrorCode(sdk({ $fault: "client", $metadata: { httpStatusCode: 403 } }))).toBe(Code.PermissionDenied);
    expect(sqsErrorCode(sdk({ $fault: "client", $metadata: { httpStatusCode: 404 } }))).toBe(Code.NotFound);
    expect(sqsErrorCode(Object.assign(new Error("aborted"), { name: "AbortError" }))).toBe(Code.Canceled);
    expect(sqsErrorCode(new Error("who knows"))).toBe(Code.Unknown);
    expect(sqsErrorCode("a string")).toBe(Code.Unknown);
    expect(sqsErrorCode(Object.assign(new Error("x"), { name: "constructor" }))).toBe(Code.Unknown); // not a table key
  });
});

describe("fromBatchFailure", () => {
  it("reads a failed batch entry by its Code, else by whose fault it was", () => {
    expect(fromBatchFailure({ Code: "ReceiptHandleIsInvalid", SenderFault: true, Message: "not valid" }, "delete from q")).toMatchObject({
      code: Code.FailedPrecondition,
      message: "SQS delete from q: not valid",
    });
    expect(fromBatchFailure({ Code: "Weird", SenderFault: true }, "send to q").code).toBe(Code.InvalidArgument);
    expect(fromBatchFailure({ Code: "Weird", SenderFault: false }, "send to q").code).toBe(Code.Unavailable);
  });
});
