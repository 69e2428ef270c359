// A RabbitMQ node of the test's own, for addsvc's broker-restart test: on its own ports (AMQP,
// distribution, and an Erlang port mapper of its own), in a temporary directory, so the
// machine's shared broker on 5672 is never touched. Needs RabbitMQ's scripts in
// /usr/lib/rabbitmq/bin (or RABBITMQ_SBIN).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const sbin = process.env.RABBITMQ_SBIN ?? "/usr/lib/rabbitmq/bin";

/** A RabbitMQ node started by {@link startRabbitMq}. */
export interface OwnRabbitMq {
  /** `amqp://guest:guest@127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the broker's application (every connection is closed), waits `downtime` ms, starts it again; resolves once it accepts connections. */
  restart(downtime: number): Promise<void>;
  /** Stops the node and its port mapper, and deletes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a RabbitMQ node on 127.0.0.1:`port` (its distribution port is `port + 1`, its port
 * mapper's `port + 2`) and resolves once it accepts AMQP connections, within `startTimeout` ms.
 *
 * @param port - the AMQP port
 * @param startTimeout - how long starting may take
 */
export async function startRabbitMq(port: number, startTimeout = 90_000): Promise<OwnRabbitMq> {
  const dir = mkdtempSync(join(tmpdir(), "addsvc-rabbitmq-"));
  mkdirSync(join(dir, "home"));
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  const node = `addsvc${String(port)}@localhost`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, "home"),
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
  };
  const ctl = (...args: string[]): Promise<unknown> => run(join(sbin, "rabbitmqctl"), ["-n", node, ...args], { env, timeout: 60_000 });
  const log = openSync(join(dir, "server.log"), "a");
  const server = spawn(join(sbin, "rabbitmq-server"), [], { env, stdio: ["ignore", log, log] });
  const started = async (): Promise<void> => {
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
  await started();
  return {
    url: `amqp://guest:guest@127.0.0.1:${String(port)}`,
    async restart(downtime) {
      await ctl("stop_app");
      await new Promise((resolve) => setTimeout(resolve, downtime));
      await ctl("start_app");
      await started();
    },
    async stop() {
      const exited = server.exitCode === null ? once(server, "exit") : Promise.resolve();
      await ctl("stop").catch(() => server.kill("SIGKILL"));
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      await run("epmd", ["-kill"], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
