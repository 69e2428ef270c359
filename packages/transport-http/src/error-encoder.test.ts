import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { encodeError } from "./error-encoder.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { server } from "./server.ts";

afterEach(closeAll);

async function answer(err: KitError): Promise<[number, string | null, unknown]> {
  const { url } = await listen(server(() => Promise.reject(err), decodeJSON(), encodeJSON, { errorEncoder: encodeError }));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return [res.status, res.headers.get("content-type"), await res.json()];
}

describe("encodeError", () => {
  it("writes the code's status and a JSON {code, message} body", async () => {
    expect(await answer(new KitError(Code.FailedPrecondition, "not yet"))).toEqual([
      400,
      "application/json; charset=utf-8",
      { code: "failed_precondition", message: "not yet" },
    ]);
  });

  it("adds details when the error has them, and leaves out details JSON cannot hold", async () => {
    expect((await answer(new KitError(Code.OutOfRange, "page 9", { details: { max: 3 } })))[2]).toEqual({
      code: "out_of_range",
      message: "page 9",
      details: { max: 3 },
    });
    expect((await answer(new KitError(Code.Internal, "odd", { details: { n: 1n } })))[2]).toEqual({ code: "internal", message: "odd" });
  });

  it("never sends the error's cause", async () => {
    const body = (await answer(new KitError(Code.Internal, "failed", { cause: new Error("password=hunter2") })))[2];
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });
});
