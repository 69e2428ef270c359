// The README's example, with its console output turned into assertions.
import { background, type KitError, withTimeout } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonCodec } from "../src/codec.ts";
import { logErrorHandler } from "../src/error-handler.ts";
import { httpStatusFromCode } from "../src/http-status.ts";
import { validate } from "../src/schema.ts";
import { readTimeout, writeTimeout } from "../src/timeout.ts";

describe("README example", () => {
  it("works as written", async () => {
    const logged: unknown[][] = [];
    const console = { log: (...args: unknown[]) => logged.push(args) };

    const SumRequest = z.object({ a: z.number(), b: z.number() });
    // sending side: the message and its headers
    const [ctx, cancel] = withTimeout(background(), 2_000);
    const headers = new Headers();
    writeTimeout(ctx, headers); // kit-timeout: 2000 (or a hair less)
    const bytes = jsonCodec.encode({ a: 1, b: "2" });
    // receiving side
    const errors = logErrorHandler({ log: (...keyvals) => console.log(...keyvals) });
    console.log(readTimeout(headers)); // 1999
    try {
      await validate(SumRequest, jsonCodec.decode(bytes));
    } catch (err) {
      errors.handle(ctx, err as KitError); // err="b: Invalid input: expected number, received string" code=invalid_argument
      console.log(httpStatusFromCode((err as KitError).code)); // 400
    } finally {
      cancel();
    }

    // The remaining time, less whatever this machine took in between (loaded CI machines are slow).
    expect(logged[0]?.[0]).toBeGreaterThan(0);
    expect(logged[0]?.[0]).toBeLessThanOrEqual(2_000);
    expect((logged[1]?.[1] as KitError).message).toBe("b: Invalid input: expected number, received string");
    expect(logged[1]?.slice(2)).toEqual(["code", "invalid_argument"]);
    expect(logged[2]).toEqual([400]);
  });
});
