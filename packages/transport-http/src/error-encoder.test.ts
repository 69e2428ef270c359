import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { encodeError } from "./error-encoder.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { server } from "./server.ts";

afterEach(closeAll);

async function respond(err: KitError): Promise<Response> {
  const { url } = await listen(server(() => Promise.reject(err), decodeJSON(), encodeJSON, { errorEncoder: encodeError }));
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}

async function answer(err: KitError): Promise<[number, string | null, unknown]> {
  const res = await respond(err);
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

  it("sends details.wwwAuthenticate as the WWW-Authenticate header of a 401, as Go kit's AuthError does", async () => {
    const res = await respond(new KitError(Code.Unauthenticated, "no", { details: { wwwAuthenticate: 'Basic realm="sum"' } }));
    expect([res.status, res.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="sum"']);
  });

  it("sends no WWW-Authenticate for a hint that is not a string or would split the header", async () => {
    const notString = await respond(new KitError(Code.Unauthenticated, "no", { details: { wwwAuthenticate: 7 } }));
    const split = await respond(new KitError(Code.Unauthenticated, "no", { details: { wwwAuthenticate: "Basic\r\nSet-Cookie: a=b" } }));
    for (const res of [notString, split]) {
      expect([res.status, res.headers.get("www-authenticate"), res.headers.get("set-cookie")]).toEqual([401, null, null]);
    }
  });
});
