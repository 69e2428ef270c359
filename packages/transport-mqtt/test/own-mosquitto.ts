// A Mosquitto of the test's own, for the restart and refusal tests: started from the system's
// `mosquitto` binary on a port of the test's block, keeping its sessions on disk (in a temporary
// directory) so that it can be stopped and started again without losing them, and without
// touching the shared broker on 1883.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Mosquitto on 127.0.0.1:`port`, with persistence, that can be stopped and started again. */
export class OwnMosquitto {
  readonly port: number;
  readonly dir: string;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /**
   * Writes its configuration and starts it; resolves once it accepts connections.
   *
   * @param port - the port, in the test's own block
   * @param options - an ACL file's text (`topic read kit/#`…; without one, every client may do
   *   anything) and more configuration lines (`allow_anonymous false`, `max_qos 0`…)
   */
  static async start(port: number, options: { acl?: string; config?: readonly string[] } = {}): Promise<OwnMosquitto> {
    const { acl, config = [] } = options;
    const broker = new OwnMosquitto(port, mkdtempSync(join(tmpdir(), "kit-mosquitto-")));
    const lines = [
      `listener ${String(port)} 127.0.0.1`,
      config.includes("allow_anonymous false") ? "" : "allow_anonymous true",
      "persistence true",
      `persistence_location ${broker.dir}/`,
      `log_dest file ${join(broker.dir, "mosquitto.log")}`,
      "user root",
    ];
    if (acl !== undefined) {
      writeFileSync(join(broker.dir, "acl"), acl);
      lines.push(`acl_file ${join(broker.dir, "acl")}`);
    }
    lines.push(...config.filter((line) => line !== "allow_anonymous false"), ...(config.includes("allow_anonymous false") ? ["allow_anonymous false"] : []));
    writeFileSync(join(broker.dir, "mosquitto.conf"), `${lines.join("\n")}\n`);
    await broker.startAgain();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${String(this.port)}`;
  }

  /** Starts the broker on its stored sessions; resolves once it accepts connections (within `ms`). */
  async startAgain(ms = 10_000): Promise<void> {
    this.#process = spawn("mosquitto", ["-c", join(this.dir, "mosquitto.conf")], { stdio: "ignore" });
    const deadline = Date.now() + ms;
    while (!(await this.#answers())) {
      if (this.#process.exitCode !== null) throw new Error(`the test's Mosquitto exited while starting (log: ${join(this.dir, "mosquitto.log")})`);
      if (Date.now() > deadline) throw new Error(`the test's Mosquitto did not answer on port ${String(this.port)} within ${String(ms)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the broker (SIGTERM: it writes its sessions to disk) and waits until it has exited. */
  async stop(): Promise<void> {
    const running = this.#process;
    if (running?.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const killer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  }

  /** Freezes the broker (SIGSTOP): its connections stay open, and it answers nothing until {@link OwnMosquitto.resume}. */
  freeze(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** Lets a frozen broker run again (SIGCONT). */
  resume(): void {
    this.#process?.kill("SIGCONT");
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = tcpConnect(this.port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
  }
}
