import { describe, expect, it } from "vitest";
import { checkDocsDeps } from "./check-docs-deps.ts";

describe("checkDocsDeps", () => {
  it("accepts a docs task that builds exactly the published packages", () => {
    expect(checkDocsDeps(["@kit/log#build", "@kit/endpoint#build"], ["@kit/endpoint", "@kit/log"])).toEqual([]);
  });

  it("names a published package the docs task would not build, and a stale one", () => {
    expect(checkDocsDeps(["@kit/gone#build"], ["@kit/log"])).toEqual([
      "turbo.json: //#docs must depend on @kit/log#build",
      "turbo.json: //#docs depends on @kit/gone#build, which is not a published package's build",
    ]);
  });
});
