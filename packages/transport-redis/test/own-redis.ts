// A redis-server of the test's own, for the restart test: on a port of its own, with the
// append-only file on (in a temporary directory) and no RDB snapshots, so it can be stopped and
// started again keeping its streams and groups, without touching the shared Redis on 6379.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";

/** redis-server on 127.0.0.1:`port`, appendonly, that can be stopped and started again. */
export class OwnRedis {
  readonly port: number;
  readonly dir: string;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts it; resolves once it answers. */
  static async start(port: number): Promise<OwnRedis> {
    const server = new OwnRedis(port, mkdtempSync(join(tmpdir(), "kit-redis-")));
    await server.startAgain();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${String(this.port)}`;
  }

  /** Starts the server on its append-only file; resolves once it answers PING (within `ms`). */
  async startAgain(ms = 30_000): Promise<void> {
    if (await this.#answers()) throw new Error(`something already answers on port ${String(this.port)}: a redis-server left over from another run?`);
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", this.dir, "--logfile", join(this.dir, "redis.log")];
    this.#process = spawn(process.env.REDIS_SERVER ?? "redis-server", args, { stdio: "ignore" });
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.#process.exitCode === null && (await this.#answers())) return;
      if (this.#process.exitCode !== null) throw new Error(`the test's redis-server exited while starting (log: ${join(this.dir, "redis.log")})`);
      if (Date.now() > deadline) throw new Error(`the test's redis-server did not answer on port ${String(this.port)} within ${String(ms)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server (SIGTERM: it writes its append-only file and exits) and waits until it has exited. */
  async stop(): Promise<void> {
    const running = this.#process;
    if (running?.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const killer = setTimeout(() => running.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(killer);
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #answers(): Promise<boolean> {
    const probe = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      if (probe.isOpen) probe.destroy(); // destroying a client that never connected throws
    }
  }
}
