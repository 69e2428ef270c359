// The README's example, run from the README's own text beside the inventory fixture (its
// service.ts, impl.ts and generated/): what it prints must be what its comments say.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

const file = "../test/fixtures/inventory/readme-example.ts";
afterAll(() => {
  rmSync(fileURLToPath(new URL("./fixtures/inventory/readme-example.ts", import.meta.url)), { force: true });
});

describe("README example", () => {
  it("runs as written and prints what its comments say", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)), { heading: "Serving and calling it", file });
    // The refused call is reported once by the server's default error handler, on stderr.
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: "kit: invalid_argument: quantity: expected at least 1 (no errorHandler was given; pass one to handle errors)\n",
    });
    expect(run.expected).toHaveLength(5);
    expect(run.printed).toEqual(run.expected);
  });
});
