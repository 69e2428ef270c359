// The README's example, run from the README's own text: what it prints must be what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README example", () => {
  it("runs as written and prints what its comments say", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)));
    // The two failed calls reach the server's default error handler: a warning line each on stderr.
    const warnings = [
      "kit: invalid_argument: can't sum two zeroes (no errorHandler was given; pass one to handle errors)",
      'kit: unimplemented: method not found: "nope" (no errorHandler was given; pass one to handle errors)',
    ];
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: warnings.map((line) => `${line}\n`).join("") });
    expect(run.expected).toHaveLength(3);
    expect(run.printed).toEqual(run.expected);
  });
});
