// A NATS server (with JetStream) of the test's own, for restart tests: started from the test on
// a port of its own with its JetStream store in a temporary directory (never the machine's shared
// server on 4222), restarted by stopping the process and starting it again on the same store.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const binary = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

/** What {@link startOwnNats} takes. */
export interface OwnNatsOptions {
  /** The client port (default 19100). */
  readonly port?: number;
  /** How long starting may take, in milliseconds (default 30 000). */
  readonly startTimeout?: number;
}

/** What {@link OwnNats.restart} takes. */
export interface RestartOptions {
  /** How long the server stays away, in milliseconds, at least (default 0). */
  readonly downtime?: number;
  /** Runs while the server is away (its port refuses connections), before it starts again. */
  readonly whileDown?: () => Promise<unknown>;
  /** How it is stopped: `SIGTERM` (default; it closes every connection) or `SIGKILL` (it dies, a paused one too). */
  readonly signal?: "SIGTERM" | "SIGKILL";
}

/** A NATS server of the test's own. */
export interface OwnNats {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * Stops the server (SIGTERM, it closes every connection), keeps it away for `downtime`, runs
   * `whileDown`, starts it again on the same JetStream store; resolves once it accepts
   * connections, with when that was (epoch ms). Streams and their messages survive.
   */
  restart(options?: RestartOptions): Promise<number>;
  /** Freezes the server (SIGSTOP): its connections stay open and nothing is answered. */
  pause(): void;
  /** Stops the server and deletes its store. */
  stop(): Promise<void>;
}

/**
 * Starts `nats-server -js` on 127.0.0.1:`port` with its store in a temporary directory, and
 * resolves once it accepts connections.
 *
 * @param options - the port and how long starting may take
 */
export async function startOwnNats(options: OwnNatsOptions = {}): Promise<OwnNats> {
  const port = options.port ?? 19_100;
  const dir = mkdtempSync(join(tmpdir(), "kit-nats-"));
  const startTimeout = options.startTimeout ?? 30_000;
  let server: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const log = openSync(join(dir, "server.log"), "a");
    const child = spawn(binary, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "store")], { stdio: ["ignore", log, log] });
    server = child;
    const deadline = Date.now() + startTimeout;
    while (!(await accepts(port))) {
      if (child.exitCode !== null) throw new Error(`the test's nats-server exited while starting (log: ${join(dir, "server.log")})`);
      if (Date.now() > deadline) throw new Error(`the test's nats-server did not listen on port ${String(port)} within ${String(startTimeout)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const halt = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> => {
    const running = server;
    if (running?.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill(signal);
    const killer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${String(port)}`,
    async restart(restartOptions = {}) {
      await halt(restartOptions.signal);
      const away = Date.now();
      await restartOptions.whileDown?.();
      const left = away + (restartOptions.downtime ?? 0) - Date.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      await start();
      return Date.now();
    },
    pause() {
      server?.kill("SIGSTOP");
    },
    async stop() {
      await halt("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
