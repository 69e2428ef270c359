// The README's example, run from the README's own text against the NATS server on
// 127.0.0.1:4222: what it prints must be what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README example", () => {
  it("finds a registered NATS service's instance and balances over it", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)));
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["10.0.0.7:8080 says 3"]);
    expect(run.printed).toEqual(run.expected);
  });
});
