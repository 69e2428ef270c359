import { background, isKitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { makeCountEndpoint, makeUppercaseEndpoint } from "./endpoints.ts";
import { stringService } from "./service.ts";

describe("stringService", () => {
  it("upper-cases and counts bytes, as Go's strings.ToUpper and len", async () => {
    const svc = stringService();
    expect(await svc.uppercase(background(), "hello, world")).toBe("HELLO, WORLD");
    expect(await svc.count(background(), "hello")).toBe(5);
    expect(await svc.count(background(), "héllo")).toBe(6);
  });

  it("refuses an empty string with invalid_argument \"empty string\", Go kit's ErrEmpty", async () => {
    const err: unknown = await stringService().uppercase(background(), "").catch((e: unknown) => e);
    expect(isKitError(err) && [err.code, err.message]).toEqual(["invalid_argument", "empty string"]);
  });
});

describe("the endpoints", () => {
  it("answer Go kit's responses, the service's error in err", async () => {
    const uppercase = makeUppercaseEndpoint(stringService());
    expect(await uppercase(background(), { s: "hello" })).toEqual({ v: "HELLO" });
    expect(await uppercase(background(), { s: "" })).toEqual({ v: "", err: "empty string" });
    expect(await makeCountEndpoint(stringService())(background(), { s: "hello" })).toEqual({ v: 5 });
  });

  it("throw what is not the service's own error, so the transport answers it as an error", async () => {
    const broken = makeUppercaseEndpoint({ ...stringService(), uppercase: () => Promise.reject(new TypeError("secret detail")) });
    await expect(broken(background(), { s: "x" })).rejects.toThrow(TypeError);
  });
});
