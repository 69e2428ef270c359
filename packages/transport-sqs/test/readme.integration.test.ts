// The README's examples, run from the README's own text against the SQS-compatible server at
// SQS_ENDPOINT (default 127.0.0.1:9324), with their queue names made unique so reruns never
// collide: what each prints must be what its comments say.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readmeBlock } from "../../../scripts/lib/readme.ts";
import { endpoint, Queues, sqsClient } from "./sqs.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const client = sqsClient();
const queues = new Queues(client);

afterAll(async () => {
  await queues.deleteAll();
  client.destroy();
});

/** Runs a block of the README with its queue names made unique; returns what it printed and what its comments say. */
function run(code: string, names: readonly string[]): { expected: string[]; printed: string[] } {
  const suffix = randomUUID().slice(0, 8);
  // `sum-replies` becomes `sum-<suffix>-replies`: still `sum-<suffix>`'s reply queue.
  const uniqueName = (name: string): string => name.replace(/^[a-z]+/, (word) => `${word}-${suffix}`);
  let unique = code.replaceAll('"http://127.0.0.1:9324"', JSON.stringify(endpoint));
  for (const name of names) {
    unique = unique.replaceAll(`queue(${JSON.stringify(name)})`, `queue(${JSON.stringify(uniqueName(name))})`);
    queues.track(`${endpoint}/000000000000/${uniqueName(name)}`);
  }
  const expected = unique
    .split("\n")
    .filter((line) => line.includes("console.log("))
    .map((line) => /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "");
  const file = fileURLToPath(new URL(`../.readme-example-${String(process.pid)}.ts`, import.meta.url));
  writeFileSync(file, unique);
  try {
    const done = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    expect({ status: done.status, stderr: done.stderr }).toEqual({ status: 0, stderr: "" });
    return { expected, printed: done.stdout.split("\n").filter((line) => line !== "") };
  } finally {
    rmSync(file, { force: true });
  }
}

describe("README examples", () => {
  it("runs the subscriber and publisher example as written", () => {
    const { expected, printed } = run(readmeBlock(readme, { heading: "## Example" }), ["orders", "orders-dead"]);
    expect(expected).toEqual(["placed o-1 42"]);
    expect(printed).toEqual(expected);
  }, 90_000);

  it("runs the request/reply example as written", () => {
    const { expected, printed } = run(readmeBlock(readme, { heading: "For request/reply" }), ["sum", "sum-dead", "sum-replies"]);
    expect(expected).toEqual(["{ v: 3 }"]);
    expect(printed).toEqual(expected);
  }, 90_000);

  it("runs the queues example as written", () => {
    const { expected, printed } = run(readmeBlock(readme, { heading: "## Queues: `createQueue` and `queueUrl`" }), ["invoices", "invoices-dead-letter"]);
    expect(expected).toEqual(["true", "true", "not_found"]);
    expect(printed).toEqual(expected);
  }, 90_000);
});
