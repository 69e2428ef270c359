// The README's Redis examples, run from the README's own text: the connection block joined with
// the block that uses it, against the shared Redis; and the connection block alone against a
// redis-server of this test's own (port 18511), killed while the example runs, to show that the
// process lives on (its 'error' listener) and that the limiter then fails closed.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReadmeExample, writeReadmeExample } from "../../../scripts/lib/readme.ts";
import type { OwnBroker } from "@kit/test-support";
import { ownRedis } from "./support/own-redis.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const sharedRedis = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const connectBlock = 1;
const useBlock = 2;

let redis: OwnBroker;
beforeAll(async () => {
  redis = await ownRedis(18_511);
});
afterAll(async () => {
  await redis.destroy("SIGKILL");
});

/** Resolves once `stream` has printed `text`; rejects if the child exits first or after `ms`. */
function printed(child: ChildProcessWithoutNullStreams, stream: "stdout" | "stderr", text: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${why} before printing ${JSON.stringify(text)} on ${stream}; it printed:\n${output}`));
    };
    const timer = setTimeout(() => {
      fail(`${String(ms)} ms passed`);
    }, ms);
    child.once("exit", (code, signal) => {
      fail(`the example exited (${String(code ?? signal)})`);
    });
    child[stream].on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
  });
}

describe("README Redis example", () => {
  it("shares a limit through erroringLimiter, as written", () => {
    const run = runReadmeExample(readme, { blocks: [connectBlock, useBlock], env: { REDIS_URL: sharedRedis } });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3"]);
    expect(run.printed).toEqual(run.expected);
  });

  it("keeps the process alive when Redis goes away, and the limiter fails closed with unavailable", async () => {
    // After the README's connection block: tell the test, wait for it to kill Redis, then ask.
    const example = writeReadmeExample(readme, {
      blocks: [connectBlock],
      append: `
import { redisLimiter as limiterOfTheTest } from "@kit/ratelimit/redis";
console.log("connected");
await new Promise((resolve) => process.stdin.once("data", resolve));
const answer = await limiterOfTheTest(client, { key: "readme:outage", rate: 1, burst: 1, timeout: 300 }).allow().then(String, (e) => e.code);
console.log(answer);
process.stdin.destroy();
client.destroy();
`,
    });
    const child = spawn(process.execPath, [example.file], { cwd: example.cwd, env: { ...process.env, REDIS_URL: redis.url } });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await printed(child, "stdout", "connected", 10_000);
      const logged = printed(child, "stderr", "redis: ", 10_000);
      await redis.kill();
      expect(await logged).toMatch(/^redis: /m); // the README's listener, not Node's crash report
      const answered = printed(child, "stdout", "unavailable", 10_000);
      child.stdin.write("go\n");
      await answered;
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      example.remove();
    }
  });
});
