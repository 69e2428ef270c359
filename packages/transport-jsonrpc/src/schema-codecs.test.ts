import { background, Code, isKitError, type KitError } from "@kit/endpoint";
import type { Schema } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { checkedParams, checkedResult, requestAsParams } from "./schema-codecs.ts";

interface SumRequest {
  readonly a: number;
  readonly b: number;
}

/** A Standard Schema of `{ a: number, b: number }`, written out so the test needs no validator library. */
const sumRequest: Schema<SumRequest> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate(value) {
      const v = value as Partial<Record<string, unknown>> | null;
      if (typeof v !== "object" || v === null) return { issues: [{ message: "expected an object" }] };
      const issues = ["a", "b"].filter((k) => typeof v[k] !== "number").map((k) => ({ message: "expected number", path: [k] }));
      return issues.length === 0 ? { value: { a: v.a as number, b: v.b as number } } : { issues };
    },
  },
};

/** The KitError `call` throws or rejects with (a decoder may do either; the server takes both). */
async function refusal(call: () => unknown): Promise<KitError> {
  try {
    await call();
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected a KitError");
}

describe("checkedParams", () => {
  const decode = checkedParams(sumRequest, ["a", "b"]);

  it("takes params by name as they are and params by position in the order of the names", async () => {
    expect(await decode(background(), { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(await decode(background(), [1, 2])).toEqual({ a: 1, b: 2 });
  });

  it("checks the request with the schema: invalid_argument naming the field", async () => {
    const err = await refusal(() => decode(background(), { a: 1, b: "2" }));
    expect({ code: err.code, message: err.message }).toEqual({ code: Code.InvalidArgument, message: "b: expected number" });
    expect((await refusal(() => decode(background(), [1]))).message).toBe("b: expected number");
  });

  it("takes no params as an empty object, which the schema then checks", async () => {
    const none = checkedParams<Record<string, never>>({ "~standard": { version: 1, vendor: "test", validate: (value) => ({ value: value as Record<string, never> }) } }, []);
    expect(await none(background(), undefined)).toEqual({});
    expect((await refusal(() => decode(background(), undefined))).message).toBe("a: expected number; b: expected number");
  });

  it("refuses more params by position than there are names, saying how many it takes", async () => {
    const err = await refusal(() => decode(background(), [1, 2, 3]));
    expect({ code: err.code, message: err.message }).toEqual({ code: Code.InvalidArgument, message: "expected at most 2 params (a, b), got 3" });
    const none = checkedParams(sumRequest, []);
    expect((await refusal(() => none(background(), [1]))).message).toBe("expected no params, got 1");
  });
});

describe("checkedResult", () => {
  const decode = checkedResult(sumRequest, "add.sum");

  it("returns a result the schema accepts", async () => {
    expect(await decode(background(), { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
  });

  it("makes a result the schema refuses internal, naming the method and the field, with the issues and the cause", async () => {
    const err = await refusal(() => decode(background(), { a: 1 }));
    expect({ code: err.code, message: err.message }).toEqual({ code: Code.Internal, message: "invalid result of add.sum: b: expected number" });
    expect(err.details).toEqual({ issues: [{ path: ["b"], message: "expected number" }] });
    expect(isKitError(err.cause) && err.cause.code).toBe(Code.InvalidArgument);
  });

  it("passes on any other error of the schema unchanged", async () => {
    const broken: Schema<never> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => {
          throw new TypeError("schema bug");
        },
      },
    };
    await expect(checkedResult(broken, "add.sum")(background(), {})).rejects.toThrow(new TypeError("schema bug"));
  });
});

describe("requestAsParams", () => {
  it("sends the request object as the params", () => {
    const request = { a: 1, b: 2 };
    expect(requestAsParams(background(), request)).toBe(request);
  });
});
