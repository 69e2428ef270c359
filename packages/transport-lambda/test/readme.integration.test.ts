// The README's dead-letter sender, run from the README's own text against the SQS-compatible
// server at SQS_ENDPOINT (default 127.0.0.1:9324), with its queue's name made unique so reruns
// never collide: what it prints must be what its comments say.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { readmeBlock } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const queue = `images-${randomUUID().slice(0, 8)}-dead`;
const dir = fileURLToPath(new URL(`../.readme-example-${String(process.pid)}-sqs/`, import.meta.url));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const found = await sqs.send(new GetQueueUrlCommand({ QueueName: queue })).catch(() => undefined);
  if (found?.QueueUrl !== undefined) await sqs.send(new DeleteQueueCommand({ QueueUrl: found.QueueUrl }));
  sqs.destroy();
});

describe("README dead-letter sender", () => {
  it("sends a poison record to the dead-letter queue with kit-error-code, and leaves it out of batchItemFailures", () => {
    const code = readmeBlock(readme, { heading: "## SQS event sources" });
    expect(code).toContain('"images-dead"');
    const unique = code.replaceAll('"images-dead"', JSON.stringify(queue)).replaceAll('"http://127.0.0.1:9324"', JSON.stringify(endpoint));
    const expected = unique
      .split("\n")
      .filter((line) => line.includes("console.log("))
      .map((line) => /\/\/ (.*)$/.exec(line)?.[1]?.trim() ?? "");
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}example.ts`, unique);
    const run = spawnSync(process.execPath, [`${dir}example.ts`], { encoding: "utf8", timeout: 60_000 });
    // The dead-lettered record is reported once by the default error handler, on stderr.
    expect({ status: run.status, stderr: run.stderr.trim().split("\n") }).toEqual({
      status: 0,
      stderr: ["kit: invalid_argument: not an image (no errorHandler was given; pass one to handle errors)"],
    });
    expect(expected).toEqual(['{"batchItemFailures":[]}', '{"image":"virus.exe"} invalid_argument']);
    expect(run.stdout.split("\n").filter((line) => line !== "")).toEqual(expected);
  }, 60_000);
});
