// The README's examples, run from the README's own text: what they print must be what their comments say.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README examples", () => {
  it("opossum: passes calls through, opens on failures, then refuses with unavailable", () => {
    const run = runReadmeExample(readme, { heading: "## Example: opossum" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(3);
    expect(run.printed).toEqual(run.expected);
  });

  it("cockatiel: opens after consecutive failures, then refuses with unavailable", () => {
    const run = runReadmeExample(readme, { heading: "## Example: cockatiel" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  });
});
