// The README's serve and run examples, from the README's own text beside the inventory fixture,
// against NATS on 127.0.0.1:4222: what they print must be what their comments say; the run
// example is a program, sent SIGTERM once it serves, and must then end by itself with status 0.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample, writeReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const heading = "## Starting it: serve and run";
afterAll(() => {
  for (const f of ["readme-serve.ts", "readme-run.ts"]) rmSync(fileURLToPath(new URL(`./fixtures/inventory/${f}`, import.meta.url)), { force: true });
});

/** Whether `printed` is `expected`, where `…` in an expected line stands for any text. */
function matches(printed: readonly string[], expected: readonly string[]): boolean {
  const pattern = (line: string) => new RegExp(`^${line.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return printed.length === expected.length && expected.every((line, i) => pattern(line).test(printed[i] ?? ""));
}

describe("README: serve and run", () => {
  it("serves as the serve example says, answers over NATS, and closes", () => {
    const run = runReadmeExample(readme, { heading, file: "../test/fixtures/inventory/readme-serve.ts" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(3);
    expect(run.printed).toEqual(run.expected);
  });

  it("runs the run example as a program: serves, and on SIGTERM closes and exits 0", async () => {
    const example = writeReadmeExample(readme, { heading, index: 1, file: "../test/fixtures/inventory/readme-run.ts" });
    try {
      const child = spawn(process.execPath, [example.file], { cwd: example.cwd, env: { ...process.env, HTTP_ADDR: "127.0.0.1:0", NATS_URL: "nats://127.0.0.1:4222" } });
      const exited = once(child, "exit");
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await expect.poll(() => stdout, { timeout: 15_000 }).toContain("transport=NATS");
      child.kill("SIGTERM");
      const [status] = (await exited) as [number | null];
      clearTimeout(killer);
      const expected = [...example.code.matchAll(/^\/\/ → (.*)$/gm)].map((m) => m[1] ?? "");
      const printed = stdout.trimEnd().split("\n").map((line) => line.replace(/^ts=\S+ /, ""));
      expect(status).toBe(0);
      expect(expected).toHaveLength(4);
      expect(matches(printed, expected), `printed:\n${printed.join("\n")}`).toBe(true);
    } finally {
      example.remove();
    }
  });
});
