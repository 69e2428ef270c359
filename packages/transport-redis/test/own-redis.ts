// A redis-server of the test's own, for the restart test: on a port of its own, with the
// append-only file on (in a temporary directory) and no RDB snapshots, so it can be stopped and
// started again keeping its streams and groups, without touching the shared Redis on 6379.
// Starting, stopping and restarting are @kit/test-support's; this file has only redis-server's
// command line.
import { join } from "node:path";
import { startOwnBroker, type OwnBroker } from "@kit/test-support";
import { createClient } from "redis";

/** Whether the server answers PING (not only accepts a connection: while it loads its append-only file it does not). */
async function answers(port: number): Promise<boolean> {
  const probe = createClient({ url: `redis://127.0.0.1:${String(port)}`, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
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

/**
 * Starts redis-server (`REDIS_SERVER`, else the one on PATH) on 127.0.0.1:`port`, appendonly,
 * with its data in a temporary directory; resolves once it answers PING (within 30 s). Its `url`
 * is `redis://127.0.0.1:<port>`; `stop()` (SIGTERM) makes it write its append-only file, which
 * `start()` reads again.
 *
 * @param port - the port, in the test's own block
 */
export function startOwnRedis(port: number): Promise<OwnBroker> {
  return startOwnBroker({
    name: "the test's redis-server",
    port,
    dirPrefix: "kit-redis-",
    setUp: (dir) => ({
      file: process.env.REDIS_SERVER ?? "redis-server",
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", dir, "--logfile", join(dir, "redis.log")],
    }),
    url: () => `redis://127.0.0.1:${String(port)}`,
    ready: answers,
    log: "redis.log",
    logOutput: false,
    pollInterval: 50,
    startTimeout: 30_000,
    killAfter: 20_000,
  });
}
