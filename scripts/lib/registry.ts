// A throwaway npm registry (verdaccio, a devDependency) on 127.0.0.1 for the release test. It
// holds `@kit/*` only and has no uplink, so everything it serves was published to it; the apps
// that install from it take every other package from the machine's usual registry.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A running registry. */
export interface Registry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** An npm user config (`npm_config_userconfig`) that sends every request to this registry, logged in. */
  userconfig: string;
  /** Stops the server. */
  stop: () => Promise<void>;
}

const config = `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
uplinks: {}
packages:
  "@kit/*":
    access: $all
    publish: $authenticated
log: { type: stdout, format: pretty, level: error }
max_body_size: 50mb
`;

/** Waits (at most `ms`) for the server's `{"port":N}` line. */
function portOf(child: ChildProcess, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      reject(new Error(`registry: no port within ${ms} ms; output: ${output}`));
    }, ms);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /\{"port":(\d+)\}/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`registry: exited with ${String(code)}; output: ${output}`));
    });
  });
}

/** Creates a user on the registry and returns its token. */
async function addUser(url: string): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:kit`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "kit", password: "kit-release-test" }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || body.token === undefined) throw new Error(`registry: adding a user failed with ${response.status}`);
  return body.token;
}

/** Starts a registry whose storage lives in `dir`. */
export async function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.yaml"), config);
  const server = fileURLToPath(new URL("registry-server.ts", import.meta.url));
  const child = spawn(process.execPath, [server, join(dir, "config.yaml")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else {
        child.once("exit", () => {
          resolve();
        });
        child.kill();
      }
    });
  try {
    const url = `http://127.0.0.1:${await portOf(child, 30_000)}/`;
    const token = await addUser(url);
    const userconfig = join(dir, "npmrc");
    writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${new URL(url).port}/:_authToken=${token}\n`);
    return { url, userconfig, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
