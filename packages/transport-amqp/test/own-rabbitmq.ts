// A RabbitMQ node of the test's own, for restart tests: started from the test with every
// port, directory and setting its own (never the machine's shared broker on 5672), restarted with
// `rabbitmqctl stop_app`/`start_app`, stopped with `rabbitmqctl stop`. Its Erlang port mapper
// (epmd) is its own too, on port + 2, so nothing of the shared node is touched.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const sbin = process.env.RABBITMQ_SBIN ?? "/usr/lib/rabbitmq/bin";

/** What {@link startOwnRabbitMq} takes. */
export interface OwnRabbitMqOptions {
  /** The AMQP port (default 19010); the node's distribution port is `port + 1` and its epmd's `port + 2`. */
  readonly port?: number;
  /** How long starting may take, in milliseconds (default 90 000). */
  readonly startTimeout?: number;
}

/** What {@link OwnRabbitMq.restart} takes. */
export interface RestartOptions {
  /** How long the broker stays away, in milliseconds, at least (default 0). */
  readonly downtime?: number;
  /** Runs while the broker is away (its port refuses connections), before it starts again. */
  readonly whileDown?: () => Promise<unknown>;
}

/** A RabbitMQ node of the test's own. */
export interface OwnRabbitMq {
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may log in over loopback). */
  readonly url: string;
  /**
   * Stops the broker (its AMQP port closes, every connection is closed by the broker), keeps it
   * away for `downtime`, runs `whileDown`, starts it again; resolves once it accepts connections.
   * Durable queues and persistent messages survive. Returns when it was back (epoch ms).
   */
  restart(options?: RestartOptions): Promise<number>;
  /** Stops the node and its epmd, and deletes its files. */
  stop(): Promise<void>;
  /** Runs `rabbitmqctl -n <node> <args>` on it (to set an alarm, list queues, ...). */
  ctl(...args: string[]): Promise<unknown>;
}

/**
 * Starts a RabbitMQ node on 127.0.0.1:`port` in a temporary directory (no plugins, management
 * off), and resolves once it accepts AMQP connections.
 *
 * @param options - the port and how long starting may take
 */
export async function startOwnRabbitMq(options: OwnRabbitMqOptions = {}): Promise<OwnRabbitMq> {
  const port = options.port ?? 19_010;
  const dir = mkdtempSync(join(tmpdir(), "kit-rabbitmq-"));
  mkdirSync(join(dir, "home"));
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  const node = `kit${String(port)}@localhost`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, "home"), // its Erlang cookie lives here
    ERL_EPMD_PORT: String(port + 2),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(port + 1),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
    RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
    ERL_CRASH_DUMP: join(dir, "erl_crash.dump"), // in its own directory, never the package's
  };
  const ctl = (...args: string[]): Promise<unknown> => run(join(sbin, "rabbitmqctl"), ["-n", node, ...args], { env, timeout: 60_000 });
  const log = openSync(join(dir, "server.log"), "a");
  const server: ChildProcess = spawn(join(sbin, "rabbitmq-server"), [], { env, stdio: ["ignore", log, log] });
  const startTimeout = options.startTimeout ?? 90_000;
  const awaitStartup = async (): Promise<void> => {
    const deadline = Date.now() + startTimeout;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the test's RabbitMQ exited while starting (log: ${join(dir, "server.log")})`);
      try {
        await ctl("await_startup", "--timeout", "5");
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the test's RabbitMQ did not start on port ${String(port)} within ${String(startTimeout)} ms`, { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  await awaitStartup();
  return {
    url: `amqp://guest:guest@127.0.0.1:${String(port)}`,
    async restart(restartOptions = {}) {
      await ctl("stop_app");
      const away = Date.now();
      await restartOptions.whileDown?.();
      const left = away + (restartOptions.downtime ?? 0) - Date.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      await ctl("start_app");
      await awaitStartup();
      return Date.now();
    },
    ctl,
    async stop() {
      const exited = server.exitCode === null ? once(server, "exit") : Promise.resolve();
      try {
        if (server.exitCode === null) await ctl("stop");
      } catch {
        server.kill("SIGKILL");
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      // Its own epmd (it refuses to stop while the node is still registered, hence the wait above).
      await run("epmd", ["-kill"], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
