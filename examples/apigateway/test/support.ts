// Shared by the integration tests: child addsvc instances, an HTTP server for the gateway,
// tokens, calls, and waiting for a condition.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A logger that keeps every record. */
export function recorder(): { lines: unknown[][]; log(...keyvals: unknown[]): void } {
  const lines: unknown[][] = [];
  return { lines, log: (...keyvals) => { lines.push(keyvals); } };
}

/** Polls `check` every 50 ms until it is true; throws after `ms`. */
export async function waitUntil(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${String(ms)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A child `node` process on one of this example's scripts, with its output collected. */
export interface Child {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  output(): string;
}

/** Runs `node <script> <args>` in this example's directory; killed after 120 s at the latest. */
export function runNode(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => { out += chunk.toString("utf8"); });
  child.stderr.on("data", (chunk: Buffer) => { out += chunk.toString("utf8"); });
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000); // never outlive the tests
  const exit = once(child, "exit").then(([code]) => {
    clearTimeout(killer);
    return code as number | null;
  });
  return { child, exit, output: () => out };
}

/** Resolves with the first match of `pattern` in the child's output (within 20 s), or throws with the output. */
export async function waitForOutput(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  const found: { match?: RegExpExecArray | null } = {};
  try {
    await waitUntil(String(pattern), () => {
      found.match = pattern.exec(child.output());
      return found.match !== null || child.child.exitCode !== null;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; output:\n${child.output()}`, { cause: err });
  }
  const match = found.match;
  if (match === undefined || match === null) throw new Error(`exited with ${String(child.child.exitCode)} before ${String(pattern)}; output:\n${child.output()}`);
  return match;
}

/** A child `node src/instance.ts` process: addsvc registered in etcd. */
export interface Instance extends Child {
  readonly url: string;
}

/** Starts `node src/instance.ts` and resolves once it has registered (within 20 s). */
export async function spawnInstance(prefix: string, ttl: number): Promise<Instance> {
  const child = runNode("src/instance.ts", ["--prefix", prefix, "--ttl", String(ttl), "--etcd", "127.0.0.1:2379"]);
  try {
    const [, url = ""] = await waitForOutput(child, /msg=registered key=\S+ url=(http:\/\/\S+)/);
    return { ...child, url };
  } catch (err) {
    child.child.kill("SIGKILL");
    throw err;
  }
}

/** Serves `handler` on 127.0.0.1 at a free port. */
export async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      }),
  };
}

/** A signed HS256 token; `exp` in seconds from now (negative: already expired). */
export function token(secret: Uint8Array, subject: string, claims: { exp?: number; aud?: string; iss?: string } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(claims.iss ?? "apigateway")
    .setAudience(claims.aud ?? "addsvc")
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.exp ?? 300))
    .sign(secret);
}

/** POSTs JSON to the gateway; returns the status and the parsed body. */
export async function post(url: string, body: unknown, bearer?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
