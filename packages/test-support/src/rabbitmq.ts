import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { stayAway, type AwayOptions } from "./away.ts";
import { startOwnBroker } from "./own-broker.ts";

const run = promisify(execFile);

/** What {@link startOwnRabbitMq} takes. */
export interface OwnRabbitMqOptions {
  /** The AMQP port (default 19010); the node's distribution port is `port + 1` and its epmd's `port + 2`. */
  readonly port?: number;
  /** How long starting may take, in milliseconds (default 90 000). */
  readonly startTimeout?: number;
}

/** A RabbitMQ node of the test's own. */
export interface OwnRabbitMq {
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may log in over loopback). */
  readonly url: string;
  /**
   * Stops the broker's application (its AMQP port closes, every connection is closed by the
   * broker), keeps it away for `downtime` while `whileDown` runs, starts it again; resolves once
   * it accepts connections, with when that was (epoch ms). Durable queues and persistent messages survive.
   */
  restart(options?: AwayOptions): Promise<number>;
  /** Runs `rabbitmqctl -n <node> <args>` on it (to set an alarm, list queues, ...). */
  ctl(...args: string[]): Promise<unknown>;
  /** Stops the node (`rabbitmqctl stop`) and its epmd, and deletes its files. */
  destroy(): Promise<void>;
}

/** The environment that gives a node every port, directory and setting of its own. */
function nodeEnvironment(dir: string, port: number, node: string): NodeJS.ProcessEnv {
  return {
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
}

/**
 * Starts a RabbitMQ node on 127.0.0.1:`port` in a temporary directory (no plugins, management
 * off), with an Erlang port mapper (epmd) of its own, so nothing of the machine's shared broker
 * on 5672 is touched; resolves once it accepts AMQP connections. Needs RabbitMQ's scripts in
 * /usr/lib/rabbitmq/bin (or `RABBITMQ_SBIN`).
 *
 * @param options - the port and how long starting may take
 */
export async function startOwnRabbitMq(options: OwnRabbitMqOptions = {}): Promise<OwnRabbitMq> {
  const sbin = process.env.RABBITMQ_SBIN ?? "/usr/lib/rabbitmq/bin";
  const port = options.port ?? 19_010;
  const node = `kit${String(port)}@localhost`;
  let env: NodeJS.ProcessEnv = process.env;
  const ctl = (...args: string[]): Promise<unknown> => run(join(sbin, "rabbitmqctl"), ["-n", node, ...args], { env, timeout: 60_000 });
  const broker = await startOwnBroker({
    name: "the test's RabbitMQ",
    port,
    dirPrefix: "kit-rabbitmq-",
    setUp: (dir) => {
      mkdirSync(join(dir, "home"));
      writeFileSync(join(dir, "enabled_plugins"), "[].\n");
      env = nodeEnvironment(dir, port, node);
      return { file: join(sbin, "rabbitmq-server"), args: [], env };
    },
    url: () => `amqp://guest:guest@127.0.0.1:${String(port)}`,
    ready: async () => {
      await ctl("await_startup", "--timeout", "5");
      return true;
    },
    log: "server.log",
    pollInterval: 500,
    startTimeout: options.startTimeout ?? 90_000,
    killAfter: 20_000,
    shutdown: () => ctl("stop"),
  });
  return {
    url: broker.url,
    async restart(away = {}) {
      await ctl("stop_app");
      await stayAway(away, Date.now());
      await ctl("start_app");
      await broker.whenReady();
      return Date.now();
    },
    ctl,
    async destroy() {
      await broker.stop();
      // Its own epmd (it refuses to stop while the node is still registered, hence the stop first).
      await run("epmd", ["-kill"], { env }).catch(() => undefined);
      await broker.destroy();
    },
  };
}
