// A redis-server of the test's own, on a port of its own, so a test can stall it (SIGSTOP),
// resume it (SIGCONT), kill it and start it again without touching the machine's shared Redis.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** A redis-server this test started, and what it can do to it. */
export interface OwnRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Freezes the server process: connections stay open, nothing is answered. */
  stall(): void;
  /** Lets a stalled server run again. */
  resume(): void;
  /** Kills the server (SIGKILL) and waits for it to be gone. */
  kill(): Promise<void>;
  /** Starts a new, empty server on the same port (after {@link OwnRedis.kill}). */
  restart(): Promise<void>;
}

async function start(port: number): Promise<ChildProcess> {
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`redis-server on port ${String(port)} did not start within 10 s:\n${output}`));
    }, 10_000);
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (is it installed?): ${err.message}`, { cause: err }));
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${String(port)} exited with ${String(code)}:\n${output}`));
    });
  });
  await ready;
  return server;
}

/**
 * Starts `redis-server --port <port> --save "" --appendonly no` and waits until it accepts
 * connections; `stop` (in `afterAll`) kills it whatever state it is in.
 */
export async function ownRedis(port: number): Promise<OwnRedis & { stop(): Promise<void> }> {
  let server = await start(port);
  const kill = async (): Promise<void> => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    stall: () => server.kill("SIGSTOP"),
    resume: () => server.kill("SIGCONT"),
    kill,
    restart: async () => {
      server = await start(port);
    },
    stop: kill,
  };
}
