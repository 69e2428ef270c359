// The README's gRPC example, run from the README's own text beside the inventory fixture (its
// impl.ts and generated/): a real gRPC server and client on 127.0.0.1, printing what the
// comments say.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

afterAll(() => {
  rmSync(fileURLToPath(new URL("./fixtures/inventory/readme-grpc.ts", import.meta.url)), { force: true });
});

describe("README gRPC example", () => {
  it("serves and calls the service over gRPC", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)), { heading: "### Over gRPC", file: "../test/fixtures/inventory/readme-grpc.ts" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(2);
    expect(run.printed).toEqual(run.expected);
  });
});
