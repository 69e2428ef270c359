import { background, Code, isKitError, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { ErrorMessage, intMax, intMin, maxLen, newBasicService } from "./service.ts";

const ctx = background();
const svc = newBasicService();

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (!isKitError(err)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error("expected a rejection");
}

describe("ErrorMessage", () => {
  it("holds Go kit's error strings byte for byte", () => {
    expect(ErrorMessage.twoZeroes).toBe("can't sum two zeroes");
    expect(ErrorMessage.intOverflow).toBe("integer overflow");
    expect(ErrorMessage.maxSizeExceeded).toBe("result exceeds maximum size");
  });
});

describe("newBasicService", () => {
  describe("sum", () => {
    it("adds two integers", async () => {
      expect(await svc.sum(ctx, 1, 2)).toBe(3);
      expect(await svc.sum(ctx, -5, 5)).toBe(0);
      expect(await svc.sum(ctx, 0, 7)).toBe(7);
    });

    it("refuses two zeroes with invalid_argument and Go kit's message", async () => {
      expect(await failure(svc.sum(ctx, 0, 0))).toEqual({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
      expect(await failure(svc.sum(ctx, -0, 0))).toEqual({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
    });

    it("accepts sums up to Go kit's intMax = 2^31 - 1 and down to intMin = -2^31", async () => {
      expect([intMax, intMin]).toEqual([2_147_483_647, -2_147_483_648]);
      expect(await svc.sum(ctx, intMax - 1, 1)).toBe(intMax);
      expect(await svc.sum(ctx, intMin + 1, -1)).toBe(intMin);
      expect(await svc.sum(ctx, intMax, 0)).toBe(intMax);
    });

    it("refuses a sum one past either bound with out_of_range \"integer overflow\"", async () => {
      const overflow = { code: Code.OutOfRange, message: "integer overflow" };
      expect(await failure(svc.sum(ctx, intMax, 1))).toEqual(overflow);
      expect(await failure(svc.sum(ctx, intMin, -1))).toEqual(overflow);
      expect(await failure(svc.sum(ctx, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))).toEqual(overflow);
    });

    it("judges the sum, not the arguments, as Go kit does", async () => {
      expect(await svc.sum(ctx, 3_000_000_000, -1_000_000_000)).toBe(2_000_000_000);
    });

    it("refuses arguments that are not safe integers with invalid_argument", async () => {
      for (const [a, b] of [[1.5, 1], [1, Number.NaN], [Infinity, 1], [2 ** 53, 1]]) {
        const err = await failure(svc.sum(ctx, a!, b!));
        expect(err.code).toBe(Code.InvalidArgument);
        expect(err.message).toContain(ErrorMessage.notInteger);
      }
    });
  });

  describe("concat", () => {
    it("concatenates two strings", async () => {
      expect(await svc.concat(ctx, "1", "2")).toBe("12");
      expect(await svc.concat(ctx, "", "")).toBe("");
    });

    it("accepts a result of exactly maxLen = 10 bytes", async () => {
      expect(maxLen).toBe(10);
      expect(await svc.concat(ctx, "hello", "world")).toBe("helloworld");
    });

    it("refuses a result of maxLen + 1 bytes with out_of_range and Go kit's message", async () => {
      expect(await failure(svc.concat(ctx, "hello", "world!"))).toEqual({
        code: Code.OutOfRange,
        message: "result exceeds maximum size",
      });
    });

    it("counts UTF-8 bytes as Go's len does, not UTF-16 units", async () => {
      expect(await svc.concat(ctx, "éééé", "ab")).toBe("ééééab"); // 8 + 2 bytes
      expect((await failure(svc.concat(ctx, "ééééé", "a"))).code).toBe(Code.OutOfRange); // 10 + 1 bytes, 6 units
      expect((await failure(svc.concat(ctx, "😀😀", "abc"))).code).toBe(Code.OutOfRange); // 8 + 3 bytes
    });

    it("refuses arguments that are not strings with invalid_argument", async () => {
      const err = await failure(svc.concat(ctx, 1 as unknown as string, "a"));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.message).toContain(ErrorMessage.notString);
    });
  });

  it("rejects with KitErrors rather than throwing synchronously", () => {
    const pending = svc.sum(ctx, 0, 0);
    expect(pending).toBeInstanceOf(Promise);
    return expect(pending).rejects.toBeInstanceOf(KitError);
  });
});
