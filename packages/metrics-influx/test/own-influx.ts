// An InfluxDB 1.x of the test's own (Debian's influxd, installed by `bash scripts/services.sh
// start`): on 127.0.0.1 and free ports, with its data in a temporary directory, never a shared
// one. Starting, stopping and deleting it are @kit/test-support's; this file has only influxd's
// configuration, command line and readiness probe.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startOwnBroker, type OwnBroker } from "@kit/test-support";
import { requireCommand } from "../../../scripts/lib/observability.ts";

const influxd = "/usr/bin/influxd";

/** The InfluxDB {@link startOwnInflux} starts: its HTTP API at `url`. */
export interface OwnInflux extends OwnBroker {
  /** The UDP port whose points go into database `udp`. */
  readonly udpPort: number;
}

/** influxd's configuration: HTTP on `http`, its RPC on `rpc`, and a UDP listener on `udp` writing to database `udp` at once. */
function configuration(dir: string, http: number, rpc: number, udp: number): string {
  return [
    "reporting-disabled = true",
    `bind-address = "127.0.0.1:${String(rpc)}"`,
    "[meta]",
    `  dir = "${join(dir, "meta")}"`,
    "[data]",
    `  dir = "${join(dir, "data")}"`,
    `  wal-dir = "${join(dir, "wal")}"`,
    "  query-log-enabled = false",
    "[http]",
    "  enabled = true",
    `  bind-address = "127.0.0.1:${String(http)}"`,
    "  log-enabled = false",
    "[[udp]]",
    "  enabled = true",
    `  bind-address = "127.0.0.1:${String(udp)}"`,
    '  database = "udp"',
    "  batch-size = 1",
    '  batch-timeout = "10ms"',
    "[monitor]",
    "  store-enabled = false",
    "",
  ].join("\n");
}

/**
 * Starts InfluxDB 1.x with HTTP on a free port and a UDP listener on another, and resolves once
 * its `/ping` answers 204; `destroy()` it in `afterAll`.
 */
export async function startOwnInflux(): Promise<OwnInflux> {
  requireCommand(influxd, "Debian's influxdb");
  const [rpc, udp] = [await freePort(), await freePort()];
  const server = await startOwnBroker({
    name: "the test's InfluxDB",
    dirPrefix: "kit-influx-",
    setUp: (dir, http) => {
      writeFileSync(join(dir, "influxdb.conf"), configuration(dir, http, rpc, udp));
      return { file: influxd, args: ["-config", join(dir, "influxdb.conf")] };
    },
    url: (port) => `http://127.0.0.1:${String(port)}`,
    ready: async (port) => (await fetch(`http://127.0.0.1:${String(port)}/ping`, { signal: AbortSignal.timeout(2_000) })).status === 204,
    log: "influxd.log",
    killAfter: 5_000,
  });
  return Object.assign(server, { udpPort: udp });
}
