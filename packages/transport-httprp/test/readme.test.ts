// The README's example, run from the README's own text: what it prints must be what its comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

describe("README example", () => {
  it("runs as written and prints what its comments say", () => {
    const run = runReadmeExample(fileURLToPath(new URL("../README.md", import.meta.url)));
    // The call to the upstream nobody listens on reaches the proxy's default error handler: a warning line on stderr.
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: "kit: unavailable: upstream http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (no errorHandler was given; pass one to handle errors)\n",
    });
    expect(run.expected).toHaveLength(2);
    expect(run.printed).toEqual(run.expected);
  });
});
