// A Mosquitto of the test's own, for the restart and refusal tests: started from the system's
// `mosquitto` binary on a port of the test's block, keeping its sessions on disk (in a temporary
// directory) so that it can be stopped and started again without losing them, and without
// touching the shared broker on 1883. Starting, stopping, freezing and restarting are
// @kit/test-support's; this file has only Mosquitto's command line and configuration.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startOwnBroker, type BrokerCommand, type OwnBroker } from "@kit/test-support";

/** What {@link startOwnMosquitto} takes besides the port. */
export interface OwnMosquittoOptions {
  /** An ACL file's text (`topic read kit/#`…); without one, every client may do anything. */
  readonly acl?: string;
  /** More configuration lines (`allow_anonymous false`, `max_qos 0`…). */
  readonly config?: readonly string[];
}

/** Writes mosquitto.conf (and the ACL file) into `dir` and returns the command that runs it. */
function configure(dir: string, port: number, options: OwnMosquittoOptions): BrokerCommand {
  const { acl, config = [] } = options;
  const lines = [
    `listener ${String(port)} 127.0.0.1`,
    config.includes("allow_anonymous false") ? "" : "allow_anonymous true",
    "persistence true",
    `persistence_location ${dir}/`,
    `log_dest file ${join(dir, "mosquitto.log")}`,
    "user root",
  ];
  if (acl !== undefined) {
    writeFileSync(join(dir, "acl"), acl);
    lines.push(`acl_file ${join(dir, "acl")}`);
  }
  lines.push(...config.filter((line) => line !== "allow_anonymous false"), ...(config.includes("allow_anonymous false") ? ["allow_anonymous false"] : []));
  writeFileSync(join(dir, "mosquitto.conf"), `${lines.join("\n")}\n`);
  return { file: "mosquitto", args: ["-c", join(dir, "mosquitto.conf")] };
}

/**
 * Writes its configuration and starts Mosquitto on 127.0.0.1:`port`, with persistence; resolves
 * once it accepts connections (within 10 s). Its `url` is `mqtt://127.0.0.1:<port>`; `stop()`
 * (SIGTERM) makes it write its sessions to disk, which `start()` reads again.
 *
 * @param port - the port, in the test's own block
 * @param options - an ACL file's text and more configuration lines
 */
export function startOwnMosquitto(port: number, options: OwnMosquittoOptions = {}): Promise<OwnBroker> {
  return startOwnBroker({
    name: "the test's Mosquitto",
    port,
    dirPrefix: "kit-mosquitto-",
    setUp: (dir) => configure(dir, port, options),
    url: () => `mqtt://127.0.0.1:${String(port)}`,
    log: "mosquitto.log",
    logOutput: false,
    pollInterval: 20,
    startTimeout: 10_000,
    killAfter: 10_000,
  });
}
