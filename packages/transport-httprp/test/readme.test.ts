// The README's example, run from the README's own text: what it prints must be what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README example", () => {
  it("runs as written and prints what its comments say", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)));
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(2);
    expect(run.printed).toEqual(run.expected);
  });
});
