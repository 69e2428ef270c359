// The README's in-process example, run from the README's own text: what it prints must be what
// its comments say. The Redis examples run in readme.integration.test.ts.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README example", () => {
  it("refuses past the burst, delays within the deadline, and refuses at once what would miss it", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)), { index: 0 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3", "3", "resource_exhausted", "3", "5", "deadline_exceeded"]);
    expect(run.printed).toEqual(run.expected);
  });
});
