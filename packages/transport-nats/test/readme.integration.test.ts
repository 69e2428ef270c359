// The README's example, run from the README's own text (scripts/lib/readme.ts) against the
// shared NATS server at 127.0.0.1:4222, as written there; what it prints is checked against its
// comments.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README", () => {
  it("Example: a request answered, on a connection that never gives up reconnecting", () => {
    const run = runReadmeExample(readme, { heading: "## Example", timeout: 60_000 });
    expect(run.code).toContain("maxReconnectAttempts: -1");
    expect(run.stderr).toBe("");
    expect(run.printed).toEqual(run.expected);
    expect(run.expected).toEqual(["{ v: 3 }"]);
    expect(run.status).toBe(0);
  });
});
