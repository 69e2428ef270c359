// The README's examples, from the README's own text: the example runs and prints what its
// comments say; the Labels block, which continues it, compiles except on its `// error` lines;
// the Backend declaration runs (as the no-op it is once types are stripped).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample, typecheckReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README example", () => {
  it("counts a job and an instrumented request", () => {
    const run = runReadmeExample(readme, { index: 0 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3", "1", "1"]);
    expect(run.printed).toEqual(run.expected);
  });

  it("rejects at compile time exactly the label mistakes the Labels block marks as errors", async () => {
    const checked = await typecheckReadmeExample(readme, { blocks: [0, 1] });
    expect(checked.expectedErrorLines).toHaveLength(3);
    expect({ errorLines: checked.errorLines, messages: checked.messages }).toMatchObject({ errorLines: checked.expectedErrorLines });
  }, 30_000);

  it("declares Backend as a block that runs", () => {
    const run = runReadmeExample(readme, { heading: "## Writing a backend" });
    expect({ status: run.status, stderr: run.stderr, printed: run.printed }).toEqual({ status: 0, stderr: "", printed: [] });
  });

  it("logs and counts a call through observe", () => {
    const run = runReadmeExample(readme, { heading: "### Logging and instrumenting a method: `@kit/metrics/middleware`" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["method sum err null", "3", "1"]);
    expect(run.printed).toEqual(run.expected);
  });
});
