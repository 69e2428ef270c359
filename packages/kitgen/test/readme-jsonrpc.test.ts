// The README's JSON-RPC example, run from the README's own text beside the inventory fixture
// (its impl.ts and generated/): a real JSON-RPC server and client on 127.0.0.1, a batch and the
// wire, printing what the comments say.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

afterAll(() => {
  rmSync(fileURLToPath(new URL("./fixtures/inventory/readme-jsonrpc.ts", import.meta.url)), { force: true });
});

describe("README JSON-RPC example", () => {
  it("serves and calls the service over JSON-RPC, in a batch too", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)), { heading: "### Over JSON-RPC", file: "../test/fixtures/inventory/readme-jsonrpc.ts" });
    // The two refused calls are reported by the server's default error handler, on stderr.
    const hint = " (no errorHandler was given; pass one to handle errors)\n";
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: `kit: not_found: no item NOP-000${hint}kit: invalid_argument: quantity: expected at least 1${hint}`,
    });
    expect(run.expected).toHaveLength(3);
    expect(run.printed).toEqual(run.expected);
  });
});
