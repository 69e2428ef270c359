// A NATS server (with JetStream) of the test's own, for restart tests: started from the test on
// a port of its own with its JetStream store in a temporary directory (never the machine's shared
// server on 4222), restarted by stopping the process and starting it again on the same store.
// Starting, stopping, freezing and restarting are @kit/test-support's; this file has only
// nats-server's command line.
import { join } from "node:path";
import { startOwnBroker, type OwnBroker } from "@kit/test-support";

/** What {@link startOwnNats} takes. */
export interface OwnNatsOptions {
  /** The client port (default 19100). */
  readonly port?: number;
  /** How long starting may take, in milliseconds (default 30 000). */
  readonly startTimeout?: number;
}

/**
 * Starts `nats-server -js` (`NATS_SERVER_BIN`, else /usr/sbin/nats-server) on 127.0.0.1:`port`
 * with its store in a temporary directory, and resolves once it accepts connections. Its `url`
 * is `nats://127.0.0.1:<port>`; its streams and their messages survive `restart()`.
 *
 * @param options - the port and how long starting may take
 */
export function startOwnNats(options: OwnNatsOptions = {}): Promise<OwnBroker> {
  const port = options.port ?? 19_100;
  return startOwnBroker({
    name: "the test's nats-server",
    port,
    dirPrefix: "kit-nats-",
    setUp: (dir) => ({ file: process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server", args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "store")] }),
    url: () => `nats://127.0.0.1:${String(port)}`,
    log: "server.log",
    pollInterval: 100,
    startTimeout: options.startTimeout ?? 30_000,
    killAfter: 10_000,
  });
}
