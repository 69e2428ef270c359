// The README's examples, run from the README's own text against the Redis at REDIS_URL
// (default 127.0.0.1:6379), with their stream names made unique so reruns never collide: what
// each prints must be what its comments say, and the streams are deleted after.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeBlock } from "../../../scripts/lib/readme.ts";
import { connect, redisUrl } from "./redis.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
let redis: Awaited<ReturnType<typeof connect>>;
const made: string[] = [];

beforeAll(async () => {
  redis = await connect();
});

afterAll(async () => {
  if (made.length > 0) await redis.del(made);
  redis.destroy();
});

/** Runs a block of the README with its stream names made unique; returns what it printed and what its comments say. */
function run(code: string, names: readonly string[]): { expected: string[]; printed: string[] } {
  const suffix = randomUUID().slice(0, 8);
  let unique = code.replaceAll('"redis://127.0.0.1:6379"', JSON.stringify(redisUrl));
  for (const name of names) {
    const renamed = `kit-test-${name}-${suffix}`;
    unique = unique.replaceAll(`"${name}"`, JSON.stringify(renamed)).replaceAll(`\`${name}:`, `\`${renamed}:`);
    made.push(renamed, `${renamed}:dead-letter`);
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
    const { expected, printed } = run(readmeBlock(readme, { heading: "## Example" }), ["orders"]);
    expect(expected).toEqual(["placed o-1 42"]);
    expect(printed).toEqual(expected);
  }, 90_000);

  it("runs the request/reply example as written", async () => {
    const { expected, printed } = run(readmeBlock(readme, { heading: "For request/reply" }), ["sum"]);
    expect(expected).toEqual(["{ v: 3 }"]);
    expect(printed).toEqual(expected);
    const left = await redis.keys(`kit-test-sum-*:replies:*`);
    expect(left).toEqual([]); // close() deleted the reply stream
  }, 90_000);
});
