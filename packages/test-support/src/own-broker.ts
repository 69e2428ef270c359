import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accepts } from "./accepts.ts";
import { stayAway, type AwayOptions } from "./away.ts";
import { freePort } from "./free-port.ts";

/** How a broker is stopped: `SIGTERM`, a clean shutdown; `SIGKILL`, it dies at once (a frozen one too). */
export type StopSignal = "SIGTERM" | "SIGKILL";

/** The program that runs a broker. */
export interface BrokerCommand {
  /** The executable: a path, or a name looked up on PATH. */
  readonly file: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** Its environment (default: the test process's own). */
  readonly env?: NodeJS.ProcessEnv;
}

/** What {@link startOwnBroker} takes: what is the broker's own (its command line and configuration) and its timings. */
export interface OwnBrokerOptions {
  /** What errors call it: `the test's Kafka`. */
  readonly name: string;
  /** Its port on 127.0.0.1 (default: a free one the system picks). */
  readonly port?: number;
  /** The prefix of its temporary directory (`kit-kafka-`), which holds its data and log across restarts until {@link OwnBroker.destroy}. */
  readonly dirPrefix: string;
  /** Writes its configuration into `dir`, once, before its first start, and returns its command line. */
  readonly setUp: (dir: string, port: number) => BrokerCommand;
  /** The URL (or `host:port`) a client connects to. */
  readonly url: (port: number) => string;
  /**
   * Whether it answers yet, asked every `pollInterval` while it starts; a throw counts as no (the
   * last one is the cause of a start that timed out). Default: its port accepts TCP connections.
   */
  readonly ready?: (port: number) => Promise<boolean>;
  /** Its log: a file in its directory, named by the errors of a start that failed (default `broker.log`). */
  readonly log?: string;
  /** Whether its standard output and error are appended to `log` (default true); false for a broker that writes `log` itself. */
  readonly logOutput?: boolean;
  /** How often `ready` is asked while it starts, in milliseconds (default 100). */
  readonly pollInterval?: number;
  /** How long a start may take, in milliseconds (default 30 000). */
  readonly startTimeout?: number;
  /** How long a stop waits after SIGTERM (or `shutdown`) before it sends SIGKILL, in milliseconds (default 10 000). */
  readonly killAfter?: number;
  /** Asks it to stop cleanly in its own way (`rabbitmqctl stop`) instead of SIGTERM; when that fails, SIGKILL. */
  readonly shutdown?: () => Promise<unknown>;
}

/** What {@link OwnBroker.restart} takes. */
export interface RestartOptions extends AwayOptions {
  /** How it is stopped (default `SIGTERM`). */
  readonly signal?: StopSignal;
}

/**
 * A broker process of the test's own, on 127.0.0.1 and a port of its own, with its data in a
 * temporary directory that survives its restarts; never the machine's shared broker.
 */
export interface OwnBroker {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its temporary directory: its configuration, data and log. */
  readonly dir: string;
  /** The URL (or `host:port`) a client connects to. */
  readonly url: string;
  /** Starts it again on its data (after a stop or kill); resolves once it answers, within its start timeout. */
  start(): Promise<void>;
  /** Resolves once it answers, within its start timeout; fails at once when its process has exited. */
  whenReady(): Promise<void>;
  /** Stops it (`SIGTERM` by default; SIGKILL when it has not exited within its `killAfter`) and waits until it has exited. */
  stop(signal?: StopSignal): Promise<void>;
  /** Kills it (SIGKILL) and waits until it has exited. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): its connections stay open and nothing is answered until {@link OwnBroker.thaw}. */
  freeze(): void;
  /** Lets a frozen broker run again (SIGCONT): it handles what waited. */
  thaw(): void;
  /**
   * Stops it, keeps it away for `downtime` while `whileDown` runs, and starts it again on the same
   * port and data; resolves once it answers, with when that was (epoch ms).
   */
  restart(options?: RestartOptions): Promise<number>;
  /** Stops it (`SIGTERM` by default) and deletes its directory. */
  destroy(signal?: StopSignal): Promise<void>;
}

/** Resolves true when `promise` settles within `ms`, false otherwise; leaves no timer behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** An {@link OwnBroker} run as a child process of the test. */
class ProcessBroker implements OwnBroker {
  readonly port: number;
  readonly dir: string;
  readonly url: string;
  readonly #options: OwnBrokerOptions;
  readonly #command: BrokerCommand;
  #child: ChildProcess | undefined;
  #exit: Promise<void> = Promise.resolve();
  #spawnError: Error | undefined;

  constructor(options: OwnBrokerOptions, port: number, dir: string) {
    this.#options = options;
    this.port = port;
    this.dir = dir;
    this.url = options.url(port);
    this.#command = options.setUp(dir, port);
  }

  get #log(): string {
    return join(this.dir, this.#options.log ?? "broker.log");
  }

  #running(): boolean {
    const child = this.#child;
    return child !== undefined && this.#spawnError === undefined && child.exitCode === null && child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.#running()) throw new Error(`${this.#options.name} is running already on port ${String(this.port)}`);
    if (await accepts(this.port)) throw new Error(`something already answers on port ${String(this.port)}: a broker left over from another run?`);
    this.#spawn();
    await this.whenReady();
  }

  #spawn(): void {
    const { file, args, env } = this.#command;
    const log = this.#options.logOutput === false ? undefined : openSync(this.#log, "a");
    const options: SpawnOptions = { stdio: log === undefined ? "ignore" : ["ignore", log, log], ...(env === undefined ? {} : { env }) };
    let child: ChildProcess;
    try {
      child = spawn(file, args, options);
    } finally {
      if (log !== undefined) closeSync(log); // the child has its own copy
    }
    this.#spawnError = undefined;
    this.#exit = new Promise((resolve) => {
      child.once("exit", () => {
        resolve();
      });
      child.once("error", (err) => {
        this.#spawnError = err;
        resolve();
      });
    });
    this.#child = child;
  }

  async whenReady(): Promise<void> {
    const { name, ready = accepts, pollInterval = 100, startTimeout = 30_000 } = this.#options;
    const deadline = Date.now() + startTimeout;
    let refusal: unknown;
    for (;;) {
      if (this.#running()) {
        try {
          if (await ready(this.port)) return;
        } catch (err) {
          refusal = err;
        }
      }
      if (this.#spawnError !== undefined) throw new Error(`cannot run ${this.#command.file} (is it installed?): ${this.#spawnError.message}`, { cause: this.#spawnError });
      if (!this.#running()) throw new Error(`${name} exited while starting (log: ${this.#log})`);
      if (Date.now() > deadline) throw new Error(`${name} did not answer on port ${String(this.port)} within ${String(startTimeout)} ms (log: ${this.#log})`, { cause: refusal });
      await within(this.#exit, pollInterval);
    }
  }

  async stop(signal: StopSignal = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.#running()) return;
    const { name, killAfter = 10_000, shutdown } = this.#options;
    if (signal === "SIGTERM" && shutdown !== undefined) await shutdown().catch(() => child.kill("SIGKILL"));
    else child.kill(signal);
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfter);
    const exited = await within(this.#exit, killAfter + 10_000);
    clearTimeout(killer);
    if (!exited) throw new Error(`${name} (pid ${String(child.pid)}) did not exit within ${String(killAfter + 10_000)} ms of ${signal}`);
  }

  kill(): Promise<void> {
    return this.stop("SIGKILL");
  }

  freeze(): void {
    if (this.#running()) this.#child?.kill("SIGSTOP");
  }

  thaw(): void {
    if (this.#running()) this.#child?.kill("SIGCONT");
  }

  async restart(options: RestartOptions = {}): Promise<number> {
    await this.stop(options.signal);
    await stayAway(options, Date.now());
    await this.start();
    return Date.now();
  }

  async destroy(signal?: StopSignal): Promise<void> {
    try {
      await this.stop(signal);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts a broker of the test's own: makes its temporary directory, writes its configuration
 * there (`setUp`), starts it, and resolves once it answers. A port something already answers on
 * is refused (a broker left over from another run would be tested instead). When the start
 * fails, the process is killed and its directory kept, for the log the error names.
 *
 * @param options - its name, port, command line, readiness probe and timings
 *
 * @example
 * ```ts
 * const nats = await startOwnBroker({
 *   name: "the test's nats-server", port: 19_100, dirPrefix: "kit-nats-", log: "server.log",
 *   setUp: (dir, port) => ({ file: "nats-server", args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir] }),
 *   url: (port) => `nats://127.0.0.1:${String(port)}`,
 * });
 * await nats.restart({ downtime: 2_000 });
 * await nats.destroy();
 * ```
 */
export async function startOwnBroker(options: OwnBrokerOptions): Promise<OwnBroker> {
  const given = options.port;
  if (given !== undefined && !(Number.isInteger(given) && given >= 1 && given <= 65_535)) {
    throw new Error(`invalid_argument: startOwnBroker's port must be a whole number from 1 to 65535, not ${String(given)}`);
  }
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), options.dirPrefix));
  const broker = new ProcessBroker(options, port, dir);
  try {
    await broker.start();
  } catch (err) {
    await broker.kill().catch(() => undefined);
    throw err;
  }
  return broker;
}
