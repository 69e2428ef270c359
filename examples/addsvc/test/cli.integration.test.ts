// The two programs, run as a user runs them: `node src/demo.ts` and `node src/main.ts`.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A child `node` process on one of addsvc's scripts, with its output collected. */
function run(script: string, args: string[] = [], env: Record<string, string> = {}): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString("utf8"); });
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
  const killer = setTimeout(() => child.kill("SIGKILL"), 80_000); // never outlive the test
  const exit = once(child, "exit").then(([code]) => {
    clearTimeout(killer);
    return code as number | null;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves with the first match of `pattern` in `read()`, polling every 20 ms for at most 5 s. */
async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 250; i++) {
    const match = pattern.exec(read());
    if (match !== null) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${String(pattern)} within 5 s in:\n${read()}`);
}

describe("the demo", () => {
  it("makes its three calls, shows each result and what /metrics counted, then calls over gRPC and each broker, and exits 0", { timeout: 90_000 }, async () => {
    const demo = run("src/demo.ts");
    expect(await demo.exit).toBe(0); // the demo closes what it opened: it exits by itself, within the test's bound
    const out = demo.stdout();
    expect(out).toContain("sum(2, 3)\n  → 5  ✓");
    expect(out).toContain('concat("kit", "go")\n  → "kitgo"  ✓');
    expect(out).toContain("sum(0, 0)\n  → error invalid_argument: can't sum two zeroes (HTTP 400)  ✓");
    expect(out).toContain('  addsvc_requests_total{endpoint="sum",code="invalid_argument"} 1\n');
    expect(out).toContain("RunningSums([1, 2, 3, 4]) (server stream)  →  [1,3,6,10]  ✓");
    expect(out).toContain("SumEach (bidi)  →  3 answers  ✓");
    expect(out).toMatch(/\nAll answered as expected: HTTP and \d more transports?( \(\d brokers? not running\))?\. Server closed\.\n$/);
    expect(demo.stderr()).toMatch(/^ {2}server \| transport=HTTP addr=127\.0\.0\.1:\d+$/m);
  });
});

describe("the server entry point", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("serves on --http-addr with /metrics, logs logfmt to stdout, and on %s shuts down cleanly with exit 0", async (signal) => {
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0"]);
    try {
      const [, addr] = await waitFor(main.stdout, /transport=HTTP addr=(127\.0\.0\.1:\d+)\n/);
      const res = await fetch(`http://${addr ?? ""}/sum`, { method: "POST", body: '{"a":2,"b":3}' });
      expect(await res.text()).toBe('{"v":5}\n');
      await waitFor(main.stdout, /method=Sum transport_error=null took=\S+\n/);
      const metrics = await fetch(`http://${addr ?? ""}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('addsvc_requests_total{endpoint="sum",code="ok"} 1\n');
      main.child.kill(signal);
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
    const lines = main.stdout().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ts=\d{4}-\d\d-\d\dT[\d:.]+Z caller=app\.ts:\d+ transport=HTTP addr=127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^ts=\S+ caller=grpc\.ts:\d+ transport=gRPC addr=127\.0\.0\.1:\d+$/);
    expect(lines[2]).toMatch(/^ts=\S+ caller=middleware\.ts:\d+ method=Sum transport_error=null took=\S+$/);
    expect(lines.slice(3).map((line) => line.replace(/^ts=\S+ caller=\S+ /, ""))).toEqual([
      `msg="shutting down" signal=${signal}`,
      `exit=${signal}`,
    ]);
  });

  it("serves over NATS too when given --nats-url", async () => {
    const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--nats-url", natsUrl]);
    try {
      await waitFor(main.stdout, /transport=NATS /);
      const { connect } = await import("@nats-io/transport-node");
      const nc = await connect({ servers: natsUrl });
      try {
        const reply = await nc.request("addsvc.sum", JSON.stringify({ a: 20, b: 22 }), { timeout: 5_000 });
        expect(reply.string()).toBe('{"v":42}');
      } finally {
        await nc.close();
      }
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
  });

  it("takes its address from HTTP_ADDR", async () => {
    const main = run("src/main.ts", [], { HTTP_ADDR: "127.0.0.1:0", GRPC_ADDR: "127.0.0.1:0" });
    try {
      await waitFor(main.stdout, /transport=HTTP addr=127\.0\.0\.1:\d+\n/);
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
  });

  it("exits 2 on an address it cannot read, saying why", async () => {
    const main = run("src/main.ts", ["--http-addr", "8081"]);
    expect(await main.exit).toBe(2);
    expect(main.stdout()).toContain('exit="invalid address \\"8081\\": want host:port, such as 127.0.0.1:8081"');
  });
});
