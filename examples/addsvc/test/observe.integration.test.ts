// The README's "In a real Prometheus" commands, run as written from the README's own text:
// `scripts/services.sh observe` starts the real Prometheus (and Zipkin), addsvc runs in the
// background, a sum is made with curl, and Prometheus' query API answers with the counter as the
// README shows it. Each command is retried until it gives what the README says (addsvc takes a
// moment to listen, Prometheus scrapes every 5 s), within bounds.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../../../scripts/lib/observability.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The text of the first fenced block of `language` after `heading`. */
function block(heading: string, language: string): string {
  const from = readme.indexOf(heading);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(readme.slice(from));
  if (from < 0 || match?.[1] === undefined) throw new Error(`README: no ${language} block after ${heading}`);
  return match[1];
}

const section = "### In a real Prometheus";
const commands = block(section, "sh").trim().split("\n");
const shown = JSON.parse(block(section, "json")) as unknown;

const background: ChildProcess[] = [];

afterAll(() => {
  for (const child of background) if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
  spawnSync("bash", ["scripts/services.sh", "unobserve"], { cwd: repositoryRoot });
});

/** Runs `command` with bash from the repository root, as a person would type it there. */
function sh(command: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync("bash", ["-c", command], { cwd: repositoryRoot, encoding: "utf8", timeout: 120_000 });
}

/** Runs `command` until `accept` takes its output (at most 30 s). */
async function until(command: string, accept: (stdout: string) => boolean): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last = sh(command);
  while (!(last.status === 0 && accept(last.stdout)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    last = sh(command);
  }
  expect({ command, status: last.status, stderr: last.stderr }).toEqual({ command, status: 0, stderr: last.stderr });
  return last.stdout;
}

/** Prometheus' answer with the sample's timestamp (which moves) set aside. */
function withoutTime(answer: unknown): unknown {
  const body = answer as { data?: { result?: { value?: [number, string] }[] } };
  for (const sample of body.data?.result ?? []) if (sample.value) sample.value = [0, sample.value[1]];
  return body;
}

describe("addsvc README: its metrics in a real Prometheus", () => {
  it("runs the README's commands and gets the answer it shows", async () => {
    expect(commands).toHaveLength(5);
    const [observe, start, sum, query, unobserve] = commands as [string, string, string, string, string];

    const started = sh(observe);
    expect({ status: started.status, stderr: started.stderr }).toMatchObject({ status: 0 });
    expect(start.endsWith("&")).toBe(true);
    background.push(spawn("bash", ["-c", start.slice(0, -1)], { cwd: repositoryRoot, detached: true, stdio: "ignore" }));

    expect(await until(sum, (out) => out.length > 0)).toBe('{"v":5}\n');
    const answer = await until(query, (out) => out.includes('"code":"ok"'));
    expect(withoutTime(JSON.parse(answer))).toEqual(withoutTime(shown));

    expect(sh(unobserve).status).toBe(0);
  }, 180_000);
});
