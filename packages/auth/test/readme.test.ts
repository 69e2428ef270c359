// The README's examples, run from the README's own text: what they print must be what their
// comments say. The JWT block continues the Basic auth one, and the Casbin block both, so the
// test joins them as the README reads.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeBlock, runReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README examples", () => {
  it("basic auth, JWT and Casbin, both sides, run as written", () => {
    const run = runReadmeExample(readme, { blocks: [0, 1, 2] });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(6);
    expect(run.printed).toEqual(run.expected);
  });

  it("gRPC metadata: the token goes from a call's metadata into the context and out again", () => {
    const run = runReadmeExample(readme, { heading: "### gRPC metadata" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  });

  it("has no other runnable block: the other two sketch transports @kit/auth may not depend on", () => {
    // "Carrying the token" shows the hooks inside @kit/transport-http and @kit/transport-memory;
    // the package map forbids @kit/auth (level 2) to depend on a transport (level 2), so those
    // two sketches are not run here (examples/addsvc wires them for real).
    const sketches = [0, 1, 2].map((index) => readmeBlock(readme, { heading: "## Carrying the token", index }));
    expect(sketches.map((code) => /from "(@kit\/transport-\w+|@grpc\/grpc-js)"/.exec(code)?.[1])).toEqual([
      "@kit/transport-http",
      "@grpc/grpc-js",
      "@kit/transport-memory",
    ]);
    expect(() => readmeBlock(readme, { index: 6 })).toThrow(/no ts block 6/);
  });
});
