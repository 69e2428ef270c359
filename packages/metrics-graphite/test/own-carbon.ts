// A Graphite carbon-cache of the test's own (Debian's graphite-carbon, installed by `bash
// scripts/services.sh start`): on 127.0.0.1 and free ports, with its whisper files in a
// temporary directory, never a shared one. Starting, stopping and deleting it are
// @kit/test-support's; this file has only carbon's configuration and command line (it is ready
// once its plaintext receiver accepts TCP connections).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { accepts, freePort, startOwnBroker, type OwnBroker } from "@kit/test-support";
import { requireCommand } from "../../../scripts/lib/observability.ts";

const carbonCache = "/usr/bin/carbon-cache";

/** The carbon-cache {@link startOwnCarbon} starts: `port` is its plaintext receiver's, `url` its `host:port`. */
export interface OwnCarbon extends OwnBroker {
  /** Where carbon writes its whisper files. */
  readonly whisperDir: string;
}

/** carbon.conf: everything under `storage`, the plaintext receiver on `line`, the pickle one on `pickle`, the cache query on `query`. */
function configuration(storage: string, line: number, pickle: number, query: number): string {
  return [
    "[cache]",
    `STORAGE_DIR = ${storage}`,
    `LOCAL_DATA_DIR = ${join(storage, "whisper")}`,
    `WHITELISTS_DIR = ${join(storage, "lists")}`,
    `LOG_DIR = ${join(storage, "log")}`,
    `PID_DIR = ${storage}`,
    "ENABLE_LOGROTATION = False",
    "USER =",
    "MAX_CACHE_SIZE = inf",
    "MAX_UPDATES_PER_SECOND = 10000",
    "MAX_CREATES_PER_MINUTE = inf",
    "LINE_RECEIVER_INTERFACE = 127.0.0.1",
    `LINE_RECEIVER_PORT = ${String(line)}`,
    "ENABLE_UDP_LISTENER = False",
    "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
    `PICKLE_RECEIVER_PORT = ${String(pickle)}`,
    "CACHE_QUERY_INTERFACE = 127.0.0.1",
    `CACHE_QUERY_PORT = ${String(query)}`,
    "LOG_CREATES = True",
    "WHISPER_AUTOFLUSH = True",
    "ENABLE_TAGS = True",
    "",
  ].join("\n");
}

/**
 * Starts carbon-cache in the foreground on free ports, keeping one point a second for an hour,
 * and resolves once its plaintext receiver accepts connections; what it printed in `carbon.log`
 * in its `dir`. `destroy()` it in `afterAll`.
 */
export async function startOwnCarbon(): Promise<OwnCarbon> {
  requireCommand(carbonCache, "Debian's graphite-carbon and python3-whisper");
  const [pickle, query] = [await freePort(), await freePort()];
  const server = await startOwnBroker({
    name: "the test's carbon-cache",
    dirPrefix: "kit-carbon-",
    setUp: (dir, line) => {
      writeFileSync(join(dir, "carbon.conf"), configuration(join(dir, "storage"), line, pickle, query));
      writeFileSync(join(dir, "storage-schemas.conf"), "[default]\npattern = .*\nretentions = 1s:1h\n");
      return { file: carbonCache, args: [`--config=${join(dir, "carbon.conf")}`, `--pidfile=${join(dir, "carbon.pid")}`, "--debug", "start"] };
    },
    url: (port) => `127.0.0.1:${String(port)}`,
    ready: accepts,
    log: "carbon.log",
    pollInterval: 200,
    killAfter: 5_000,
  });
  return Object.assign(server, { whisperDir: join(server.dir, "storage", "whisper") });
}
