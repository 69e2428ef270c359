// The README's "Call it over JSON-RPC, MQTT and Redis Streams" section, run as written from the
// README's own text: the command that starts addsvc, every curl line (whose output must be the
// lines the README shows under it), and the TypeScript block (whose console.log lines must print
// what their comments say). Only the ports change: JSON-RPC's 8084 becomes a port of this test's
// own, HTTP and gRPC take free ones, and the MQTT session gets a client id of its own (ended
// afterwards, so Mosquitto keeps no share of the group's requests for it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connectAsync } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const addsvc = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const heading = "## Call it over JSON-RPC, MQTT and Redis Streams";
const jsonRpcPort = 20_910;
const mqttUrl = "mqtt://127.0.0.1:1883";
const mqttClientId = `addsvc-readme-test-${String(process.pid)}`;

/** The text of the first fenced block of `language` after the section's heading, with the test's JSON-RPC port. */
function block(language: string): string {
  const from = readme.indexOf(heading);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(readme.slice(from));
  if (from < 0 || match?.[1] === undefined) throw new Error(`README: no ${language} block after ${heading}`);
  return match[1].replaceAll("127.0.0.1:8084", `127.0.0.1:${String(jsonRpcPort)}`);
}

let server: ChildProcess | undefined;
let serverOut = "";

beforeAll(async () => {
  const command = block("sh").trim();
  if (command.includes("\n")) throw new Error(`README: want one command to start addsvc, got:\n${command}`);
  const own = ` --http-addr 127.0.0.1:0 --grpc-addr 127.0.0.1:0 --mqtt-client-id ${mqttClientId}`;
  server = spawn("bash", ["-c", `exec ${command}${own}`], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (chunk: Buffer) => (serverOut += chunk.toString("utf8")));
  server.stderr?.on("data", (chunk: Buffer) => (serverOut += chunk.toString("utf8")));
  const deadline = Date.now() + 45_000;
  while (!serverOut.includes("transport=Redis ") && server.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!serverOut.includes("transport=Redis ")) throw new Error(`addsvc did not start within 45 s:\n${serverOut}`);
}, 60_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = once(server, "exit");
    process.kill(-server.pid, "SIGTERM");
    await exited;
  }
  const session = await connectAsync(mqttUrl, { protocolVersion: 5, clientId: mqttClientId, clean: true });
  await session.endAsync();
}, 30_000);

describe("addsvc README: JSON-RPC, MQTT and Redis Streams", () => {
  it("answers each curl line with the lines the README shows under it", () => {
    const lines = block("console").trimEnd().split("\n");
    const commands = lines.filter((line) => line.startsWith("$ "));
    expect(commands).toHaveLength(5);
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith("$ ")) continue;
      const next = lines.findIndex((other, j) => j > i && other.startsWith("$ "));
      const shown = lines.slice(i + 1, next === -1 ? lines.length : next).join("\n");
      const run = spawnSync("bash", ["-c", line.slice(2)], { cwd: root, encoding: "utf8", timeout: 10_000 });
      expect({ command: line, status: run.status, output: run.stdout }).toEqual({ command: line, status: 0, output: shown });
    }
  });

  it("runs the TypeScript block, which prints what its comments say", () => {
    const code = block("ts");
    const expected = code
      .split("\n")
      .filter((line) => line.includes("console.log("))
      .map((line) => /\/\/ (.*)$/.exec(line)?.[1]);
    expect(expected).toEqual(["5", "kitgo", "invalid_argument can't sum two zeroes"]);
    const file = `${addsvc}.readme-${String(process.pid)}.ts`; // beside README.md, so "./src/…" resolves as written
    writeFileSync(file, code);
    try {
      const run = spawnSync(process.execPath, [file], { cwd: addsvc, encoding: "utf8", timeout: 30_000 });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(run.stdout.trimEnd().split("\n")).toEqual(expected);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
