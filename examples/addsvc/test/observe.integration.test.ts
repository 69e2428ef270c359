// The README's "In a real Prometheus" and "Traces" commands, run as written from the README's
// own text: `scripts/services.sh observe` starts the real Prometheus and Zipkin, addsvc runs in
// the background, a sum is made with curl, and Prometheus' query API (or Zipkin's spans API)
// answers as the README shows. Each command is retried until it gives what the README says
// (addsvc takes a moment to listen, Prometheus scrapes every 5 s, spans are sent in batches),
// within bounds.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { repositoryRoot } from "../../../scripts/lib/observability.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The text of the first fenced block of `language` after `heading`. */
function block(heading: string, language: string): string {
  const from = readme.indexOf(heading);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(readme.slice(from));
  if (from < 0 || match?.[1] === undefined) throw new Error(`README: no ${language} block after ${heading}`);
  return match[1];
}

/** A section's five commands (observe, start addsvc in the background, call, query, unobserve) and the answer it shows. */
function section(heading: string): { commands: [string, string, string, string, string]; shown: unknown } {
  const commands = block(heading, "sh").trim().split("\n");
  expect(commands).toHaveLength(5);
  return { commands: commands as [string, string, string, string, string], shown: JSON.parse(block(heading, "json")) as unknown };
}

let background: ChildProcess[] = [];

afterEach(async () => {
  for (const child of background) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  background = [];
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

/** Runs the section's first three commands: the servers, addsvc in the background, a sum that answers `{"v":5}` (and a newline). */
async function observeAndSum(observe: string, start: string, sum: string): Promise<void> {
  const started = sh(observe);
  expect({ status: started.status, stderr: started.stderr }).toMatchObject({ status: 0 });
  expect(start.endsWith("&")).toBe(true);
  background.push(spawn("bash", ["-c", start.slice(0, -1)], { cwd: repositoryRoot, detached: true, stdio: "ignore" }));
  expect(await until(sum, (out) => out.length > 0)).toBe('{"v":5}\n');
}

/** Prometheus' answer with the sample's timestamp (which moves) set aside. */
function withoutTime(answer: unknown): unknown {
  const body = answer as { data?: { result?: { value?: [number, string] }[] } };
  for (const sample of body.data?.result ?? []) if (sample.value) sample.value = [0, sample.value[1]];
  return body;
}

/** A span as Zipkin's v2 API returns it. */
interface ZipkinSpan {
  readonly id: string;
  readonly parentId?: string;
  readonly name: string;
  readonly kind?: string;
}

describe("addsvc README: its metrics in a real Prometheus", () => {
  it("runs the README's commands and gets the answer it shows", async () => {
    const { commands, shown } = section("### In a real Prometheus");
    const [observe, start, sum, query, unobserve] = commands;
    await observeAndSum(observe, start, sum);
    const answer = await until(query, (out) => out.includes('"code":"ok"'));
    expect(withoutTime(JSON.parse(answer))).toEqual(withoutTime(shown));
    expect(sh(unobserve).status).toBe(0);
  }, 180_000);
});

describe("addsvc README: its traces in a real Zipkin", () => {
  it("runs the README's commands, gets the span names it shows, and the trace continues the caller's", async () => {
    const { commands, shown } = section("## Traces");
    const [observe, start, sum, query, unobserve] = commands;
    expect(start).toContain("ZIPKIN_URL=");
    await observeAndSum(observe, start, sum);
    const answer = await until(query, (out) => out.includes('"sum"'));
    expect(JSON.parse(answer)).toEqual(shown);

    const [, traceId, callerSpan] = /traceparent: 00-([0-9a-f]{32})-([0-9a-f]{16})-01/.exec(sum) ?? [];
    const trace = JSON.parse(await until(`curl -s http://127.0.0.1:9411/api/v2/trace/${traceId}`, (out) => out.startsWith("["))) as ZipkinSpan[];
    const server = trace.find((span) => span.name === "post /sum");
    expect(server).toMatchObject({ kind: "SERVER", parentId: callerSpan });
    expect(trace.find((span) => span.name === "sum")).toMatchObject({ parentId: server?.id });
    expect(sh(unobserve).status).toBe(0);
  }, 180_000);
});
