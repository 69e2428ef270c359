// The README's examples, run from the README's own text against the Mosquitto at MQTT_URL
// (default 127.0.0.1:1883), with their topics, group and client ids made unique so reruns never
// collide: what each prints must be what its comments say.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeBlock } from "../../../scripts/lib/readme.ts";
import { mqttUrl, unique } from "./support.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

/** Runs a block of the README with `names` made unique; returns what it printed and what its comments say. */
function run(code: string, names: readonly string[]): { expected: string[]; printed: string[] } {
  const suffix = unique("x").slice(2);
  let text = code.replaceAll('"mqtt://127.0.0.1:1883"', JSON.stringify(mqttUrl));
  for (const name of names) text = text.replaceAll(`"${name}`, `"${name}-${suffix}`);
  const expected = text
    .split("\n")
    .filter((line) => line.includes("console.log("))
    .map((line) => /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "");
  const file = fileURLToPath(new URL(`../.readme-example-${String(process.pid)}.ts`, import.meta.url));
  writeFileSync(file, text);
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
    const { expected, printed } = run(readmeBlock(readme, { heading: "## Example" }), ["orders", "billing"]);
    expect(expected).toEqual(["placed o-1 42"]);
    expect(printed).toEqual(expected);
  }, 90_000);

  it("runs the request/reply example as written", () => {
    const { expected, printed } = run(readmeBlock(readme, { heading: "With a `decode`, it is a requester" }), ["sum"]);
    expect(expected).toEqual(["{ v: 3 }"]);
    expect(printed).toEqual(expected);
  }, 90_000);
});
