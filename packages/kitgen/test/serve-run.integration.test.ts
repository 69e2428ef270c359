// The generated runInventory, as a program runs it (test/support/inventory-main.ts): the flags and
// their environment variables, the usage, the exit statuses, and the shutdown on SIGTERM.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";

const program = fileURLToPath(new URL("support/inventory-main.ts", import.meta.url));
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** The program, run with `args` and `env`; its output collected, its exit status awaited. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [program, ...args], { env: { ...process.env, NATS_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const exit = once(child, "exit").then(([code]) => {
    clearTimeout(killer);
    return code as number | null;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe("generated runInventory", () => {
  it("prints the usage on --help: every flag, its environment variable and default", async () => {
    const program = start(["--help"]);
    expect(await program.exit).toBe(0);
    expect(program.stdout()).toMatch(/^usage: node \S*inventory-main\.ts /);
    expect(program.stdout()).toContain("--http-addr ");
    expect(program.stdout()).toContain("(HTTP_ADDR, default 127.0.0.1:0)");
    expect(program.stdout()).toContain("(NATS_URL)");
    expect(program.stdout()).toContain("--prefix ");
    expect(program.stdout()).toContain("--kafka-brokers ");
  });

  it.each([
    [["--http-addr", "8081"], 'exit="invalid address \\"8081\\": want host:port, such as 127.0.0.1:8081"'],
    [["--nats"], "exit=\"Unknown option '--nats'"],
  ])("exits 2 on %j, saying why, the usage on stderr", async (args, said) => {
    const program = start(args);
    expect(await program.exit).toBe(2);
    expect(program.stdout()).toContain(said);
    expect(program.stderr()).toMatch(/^usage: /);
  });

  it("exits 1 when a transport does not start, having closed what had", async () => {
    const program = start(["--amqp-url", "amqp://guest:guest@127.0.0.1:1"]);
    expect(await program.exit).toBe(1);
    expect(program.stdout()).toMatch(/transport=HTTP addr=127\.0\.0\.1:\d+\n.*exit=.*ECONNREFUSED.*\n.*msg="closed last"\n$/);
  });

  it("serves on the transports its flags and environment give, and on SIGTERM closes them, last started first, and exits 0", async () => {
    const prefix = `kitgen-run-${randomUUID().slice(0, 8)}`;
    const program = start(["--prefix", prefix], { NATS_URL: natsUrl });
    const nc = await connect({ servers: natsUrl });
    try {
      await expect.poll(program.stdout, { timeout: 20_000 }).toContain("transport=NATS");
      const addr = /transport=HTTP addr=(\S+)/.exec(program.stdout())?.[1] ?? "";
      const overHttp = await fetch(`http://${addr}/items/ABC-001`);
      expect(await overHttp.json()).toMatchObject({ sku: "ABC-001" });
      const overNats = await nc.request(`${prefix}.get-item`, '{"sku":"ABC-001"}', { timeout: 5_000 });
      expect(overNats.json()).toMatchObject({ sku: "ABC-001" });
      program.child.kill("SIGTERM");
      expect(await program.exit).toBe(0);
    } finally {
      program.child.kill("SIGKILL");
      await nc.close();
    }
    const lines = program.stdout().trimEnd().split("\n");
    expect(lines.slice(-3)).toEqual(['msg="shutting down" signal=SIGTERM', 'msg="closed last"', "exit=SIGTERM"]);
  });
});
