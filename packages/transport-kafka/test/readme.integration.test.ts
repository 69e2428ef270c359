// The README's example, run from the README's own text against the broker at KAFKA_BROKERS
// (default 127.0.0.1:9092), with its topic and group names made unique so reruns never collide:
// what it prints must be what its comments say.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { readmeBlock } from "../../../scripts/lib/readme.ts";
import { brokers, connectAdmin, newKafka, Topics, unique } from "./broker.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const kafka = newKafka("kit-readme");
const admin = await connectAdmin(kafka);
const topics = new Topics(admin);

afterAll(async () => {
  await topics.drop();
  await admin.disconnect();
});

it("runs the README example as written, and it prints what its comments say", () => {
  const topic = unique("orders");
  topics.track(topic);
  topics.track(`${topic}.dead-letter`);
  const code = readmeBlock(readme, { heading: "## Example" })
    .replaceAll('"orders"', JSON.stringify(topic))
    .replaceAll('"shipping" }', `${JSON.stringify(unique("shipping"))} }`)
    .replaceAll('["127.0.0.1:9092"]', JSON.stringify(brokers));
  const expected = code
    .split("\n")
    .filter((line) => line.includes("console.log("))
    .map((line) => /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "");
  const file = fileURLToPath(new URL(`../.readme-example-${String(process.pid)}.ts`, import.meta.url));
  writeFileSync(file, code);
  try {
    const run = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    // kafkajs 2.2 sets a negative timer inside its request queue, which Node 24 warns about; nothing else may be written.
    const stderr = run.stderr.split("\n").filter((line) => line !== "" && !/TimeoutNegativeWarning|Timeout duration was set to 1\.|--trace-warnings/.test(line));
    expect({ status: run.status, stderr }).toEqual({ status: 0, stderr: [] });
    expect(run.stdout.split("\n").filter((line) => line !== "")).toEqual(expected);
    expect(expected).toEqual(["shipping o-1"]);
  } finally {
    rmSync(file, { force: true });
  }
}, 90_000);
