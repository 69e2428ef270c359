// The README's example, from the README's own text: it runs and prints what its comments say,
// and it type-checks.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample, typecheckReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README example", () => {
  it("answers HTTP events and an SQS batch as its comments say", () => {
    const run = runReadmeExample(readme, { heading: "## Example" });
    // Each error answered, and the retried record, is reported once by the default error handler, on stderr.
    expect({ status: run.status, stderr: run.stderr.trim().split("\n") }).toEqual({
      status: 0,
      stderr: [
        "kit: invalid_argument: can't sum two zeroes (no errorHandler was given; pass one to handle errors)",
        "kit: invalid_argument: malformed Lambda event: event: want an object (an API Gateway, ALB or function URL event) (no errorHandler was given; pass one to handle errors)",
        "kit: unavailable: the resizer is busy (no errorHandler was given; pass one to handle errors)",
      ],
    });
    expect(run.expected).toHaveLength(4);
    expect(run.printed).toEqual(run.expected);
  });

  it("type-checks", async () => {
    const checked = await typecheckReadmeExample(readme, { heading: "## Example" });
    expect(checked.messages).toEqual([]);
  }, 60_000);
});
