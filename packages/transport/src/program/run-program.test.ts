// runProgram as a program runs it (test/support/program-main.ts): the flags and their
// environment variables, the usage, the exit statuses and the shutdown on SIGTERM.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../../test/support/program-main.ts", import.meta.url));

/** The program, run with `args` and `env`; its output collected, its exit status awaited. */
function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, HTTP_ADDR: "", NATS_URL: "", ZIPKIN_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const exit = once(child, "exit").then(([code]) => {
    clearTimeout(killer);
    return code as number | null;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

const usage = `usage: orders [--flag value]…; a flag's default is its environment variable's, and only the transports given are served:
  --http-addr   HTTP's host:port (HTTP_ADDR, default 127.0.0.1:8081)
  --nats-url    the NATS servers (NATS_URL)
  --zipkin-url  Zipkin's spans URL (ZIPKIN_URL)
  --fail-start  fail the start (FAIL_START)
  --fail-close  fail the close (FAIL_CLOSE)
`;

describe("runProgram", () => {
  it("prints the usage on --help and exits 0: every flag, its environment variable and default", async () => {
    const program = run(["--help"]);
    expect(await program.exit).toBe(0);
    expect(program.stdout()).toBe(usage);
  });

  it.each([
    [["--http-addr", "8081"], 'exit invalid address "8081": want host:port, such as 127.0.0.1:8081'],
    [["--nats"], "exit Unknown option '--nats'"],
  ])("exits 2 on %j, saying why, the usage on stderr", async (args, said) => {
    const program = run(args);
    expect(await program.exit).toBe(2);
    expect(program.stdout()).toContain(said);
    expect(program.stderr()).toBe(usage);
  });

  it("exits 2 on an address from the environment it cannot read", async () => {
    const program = run([], { HTTP_ADDR: "localhost" });
    expect(await program.exit).toBe(2);
    expect(program.stdout()).toContain('exit invalid address "localhost"');
  });

  it("sets each option from its flag, else its environment variable (an empty one is not set), else its default", async () => {
    const program = run(["--nats-url", "nats://a:4222"], { NATS_URL: "nats://b:4222", ZIPKIN_URL: "http://zipkin:9411" });
    await expect.poll(program.stdout).toContain("zipkin");
    program.child.kill("SIGTERM");
    expect(await program.exit).toBe(0);
    expect(program.stdout()).toBe("http 127.0.0.1:8081 nats nats://a:4222 zipkin http://zipkin:9411\nmsg shutting down signal SIGTERM\nclosed last\nclosed first\nexit SIGTERM\n");
  });

  it("exits 1 when the start fails, having closed what it deferred, last first", async () => {
    const program = run(["--fail-start", "yes"]);
    expect(await program.exit).toBe(1);
    expect(program.stdout()).toBe("http 127.0.0.1:8081 nats undefined zipkin undefined\nexit no broker\nclosed last\nclosed first\n");
  });

  it("on SIGINT closes everything even when one close fails, logs it and exits 1", async () => {
    const program = run(["--fail-close", "yes"]);
    await expect.poll(program.stdout).toContain("zipkin");
    program.child.kill("SIGINT");
    expect(await program.exit).toBe(1);
    expect(program.stdout()).toContain("msg shutting down signal SIGINT\nclosed first\nmsg closing failed err close refused\nexit SIGINT\n");
  });
});
