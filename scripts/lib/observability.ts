// The real observability servers the metrics integration tests check Kit against: Prometheus
// and Graphite's carbon-cache. Each test starts its own, on 127.0.0.1 and free ports, with its
// data in a temporary directory, and stops it afterwards, so CI pays their start-up only in the
// tests that need them. (InfluxDB and Zipkin are started through @kit/test-support, from
// packages/metrics-influx/test/own-influx.ts and examples/addsvc/test/own-zipkin.ts, which take
// `requireCommand` and `zipkinJar` from here.) `bash scripts/services.sh start` installs them
// all (Debian's packages, Zipkin's jar from Maven Central); a missing one fails the test with the
// command that installs it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const repositoryRoot: string = fileURLToPath(new URL("../..", import.meta.url));

/** The Zipkin server jar `scripts/services.sh` fetches from Maven Central. */
export const zipkinJar: string = join(repositoryRoot, ".tools", "services", "zipkin", "zipkin-server-exec.jar");

/** A server a test started; `stop()` ends it and removes its data. */
export interface RunningServer {
  /** Its HTTP base URL (`http://127.0.0.1:port`), or its TCP address for carbon. */
  readonly url: string;
  /** Its main port. */
  readonly port: number;
  /** Where it keeps its configuration and data. */
  readonly dir: string;
  /** What it printed so far, for failure messages. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes `dir`. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Throws, naming the command that installs it, when `path` (a server's executable or jar) is
 * missing.
 *
 * @param path - the file the test runs
 * @param installs - what `bash scripts/services.sh start` installs it as (`Debian's influxdb`)
 */
export function requireCommand(path: string, installs: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`bash scripts/services.sh start\` (it installs ${installs})`);
  }
}

interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly dir: string;
  readonly url: string;
  readonly port: number;
  /** Resolves once the server answers; polled until `startTimeout`. */
  readonly ready: () => Promise<boolean>;
  readonly startTimeout?: number;
}

/** Spawns a server and waits until it is ready; kills it and says why when it never is. */
async function launch(name: string, spec: Launch): Promise<RunningServer> {
  let output = "";
  const child: ChildProcess = spawn(spec.command, spec.args, { cwd: spec.dir, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  const server: RunningServer = {
    url: spec.url,
    port: spec.port,
    dir: spec.dir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(spec.dir, { recursive: true, force: true });
    },
  };
  const until = Date.now() + (spec.startTimeout ?? 30_000);
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    if (await spec.ready().catch(() => false)) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`${name} did not start on ${spec.url}:\n${output}`);
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}

/** Options for {@link startPrometheus}. */
export interface PrometheusOptions {
  /** `host:port` targets to scrape (at `/metrics`), in job `kit`. */
  readonly targets: readonly string[];
  /** How often to scrape, as Prometheus writes durations (default `"1s"`). */
  readonly scrapeInterval?: string;
}

/** Starts Prometheus (Debian's `prometheus`) scraping `targets`; its HTTP API at `url`. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningServer> {
  requireCommand("/usr/bin/prometheus", "Debian's prometheus");
  const dir = mkdtempSync(join(tmpdir(), "kit-prometheus-"));
  const port = await freePort();
  const interval = options.scrapeInterval ?? "1s";
  const config = [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "scrape_configs:",
    "  - job_name: kit",
    `    scrape_interval: ${interval}`,
    "    static_configs:",
    `      - targets: [${options.targets.map((target) => JSON.stringify(target)).join(", ")}]`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), config);
  const url = `http://127.0.0.1:${port}`;
  return launch("Prometheus", {
    command: "/usr/bin/prometheus",
    args: [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
    dir,
    url,
    port,
    ready: () => httpOk(`${url}/-/ready`),
  });
}

/** Carbon as {@link startCarbon} starts it: `url` is `host:port` of the plaintext receiver. */
export interface RunningCarbon extends RunningServer {
  /** Where carbon writes its whisper files. */
  readonly whisperDir: string;
}

/** Starts Graphite's carbon-cache (Debian's `graphite-carbon`) keeping one point a second for an hour. */
export async function startCarbon(): Promise<RunningCarbon> {
  requireCommand("/usr/bin/carbon-cache", "Debian's graphite-carbon and python3-whisper");
  const dir = mkdtempSync(join(tmpdir(), "kit-carbon-"));
  const [line, pickle, query] = [await freePort(), await freePort(), await freePort()];
  const storage = join(dir, "storage");
  const conf = [
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
    `LINE_RECEIVER_PORT = ${line}`,
    "ENABLE_UDP_LISTENER = False",
    "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
    `PICKLE_RECEIVER_PORT = ${pickle}`,
    "CACHE_QUERY_INTERFACE = 127.0.0.1",
    `CACHE_QUERY_PORT = ${query}`,
    "LOG_CREATES = True",
    "WHISPER_AUTOFLUSH = True",
    "ENABLE_TAGS = True",
    "",
  ].join("\n");
  writeFileSync(join(dir, "carbon.conf"), conf);
  writeFileSync(join(dir, "storage-schemas.conf"), "[default]\npattern = .*\nretentions = 1s:1h\n");
  const started = await launch("carbon-cache", {
    command: "/usr/bin/carbon-cache",
    args: [`--config=${join(dir, "carbon.conf")}`, `--pidfile=${join(dir, "carbon.pid")}`, "--debug", "start"],
    dir,
    url: `127.0.0.1:${line}`,
    port: line,
    ready: () => portOpen(line),
  });
  return { ...started, whisperDir: join(storage, "whisper") };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });
}
