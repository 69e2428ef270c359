// autocannon in a process of its own (on the load's CPU when pinned, see cpu-pinning.ts), so the
// load generator's work is not counted as the server's: keep-alive connections POSTing a JSON body.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { onLoadCpu } from "./cpu-pinning.ts";

/** What autocannon reports (`--json`), the fields the benchmarks read. */
export interface Cannon {
  /** Requests answered. */
  readonly requests: { readonly total: number };
  /** Seconds the load ran. */
  readonly duration: number;
  /** Latency under load, whole milliseconds. */
  readonly latency: { readonly p50: number; readonly p99: number };
  /** Answers with a status other than 2xx. */
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

/** What {@link load} sends. */
export interface LoadOptions {
  /** Connections kept open, each with one request outstanding. */
  readonly connections: number;
  /** The JSON body of every POST. */
  readonly body: string;
}

const require = createRequire(import.meta.url);
const bin = require.resolve("autocannon/autocannon.js");

/** Loads `url` with POSTs of `options.body` for `seconds`; throws if any answer is not 2xx or any request failed. */
export async function load(url: string, seconds: number, options: LoadOptions): Promise<Cannon> {
  const args = [bin, "--json", "-c", String(options.connections), "-d", String(seconds), "-m", "POST", "-H", "content-type=application/json", "-b", options.body, url];
  const [command, argv] = onLoadCpu(args);
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "ignore"], timeout: (seconds + 30) * 1000 });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${String(code)}`);
  const result = JSON.parse(out) as Cannon;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}
