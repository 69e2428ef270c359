// The README's protobuf example, run from the README's own text: it imports the published
// subpath `@kit/transport-grpc/protobuf` (the built dist), writes a message, reads it back and
// refuses a truncated copy, printing what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README protobuf example", () => {
  it("writes a message, reads it back, and refuses a truncated copy with a ProtobufError", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)), { heading: "## Protobuf wire format" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(3);
    expect(run.printed).toEqual(run.expected);
  });
});
