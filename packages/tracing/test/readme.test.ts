// The README's exporting examples, run from the README's own text: what they print must be
// what their comments say. The first block (front and back services over HTTP and a broker)
// needs @kit/transport-http and @kit/transport-memory, which @kit/tracing may not depend on
// (the same level of the package map); that wiring runs in examples/addsvc instead.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeBlock, runReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const exporting = "## Exporting to Zipkin or an OTLP collector";

describe("README examples", () => {
  it("exports an endpoint's span to an OTLP/HTTP collector with NodeSDK", () => {
    const run = runReadmeExample(readme, { heading: exporting, index: 0 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3", "Sum"]);
    expect(run.printed).toEqual(run.expected);
  });

  it("exports an endpoint's span to Zipkin with NodeTracerProvider", () => {
    const run = runReadmeExample(readme, { heading: exporting, index: 1 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3", "addsvc Sum"]);
    expect(run.printed).toEqual(run.expected);
  });

  it("has no other block to run: the first one wires transports, the rest are exporting", () => {
    expect(readmeBlock(readme, { heading: "## Example" })).toMatch(/subscriber\(broker, "sum"/);
    expect(() => readmeBlock(readme, { index: 3 })).toThrow(/no ts block 3/);
  });
});
