// A redis-server of the test's own, on a port of its own, so a test can freeze it (SIGSTOP),
// thaw it (SIGCONT), kill it and start it again without touching the machine's shared Redis.
// Starting, killing and freezing are @kit/test-support's; this file has only redis-server's
// command line.
import { startOwnBroker, type OwnBroker } from "@kit/test-support";

/**
 * Starts `redis-server --port <port> --save "" --appendonly no` and waits until it accepts
 * connections (within 10 s). Nothing is kept: `start()` after `kill()` gives a new, empty server
 * on the same port. Its `url` is `redis://127.0.0.1:<port>`; `destroy("SIGKILL")` (in `afterAll`)
 * ends it whatever state it is in, frozen too.
 *
 * @param port - the port, in the test's own block
 */
export function ownRedis(port: number): Promise<OwnBroker> {
  return startOwnBroker({
    name: `redis-server on port ${String(port)}`,
    port,
    dirPrefix: "kit-ratelimit-redis-",
    setUp: () => ({ file: "redis-server", args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"] }),
    url: () => `redis://127.0.0.1:${String(port)}`,
    log: "redis.log",
    pollInterval: 20,
    startTimeout: 10_000,
  });
}
