// A user's application outside the workspace, installed with plain npm: `@kit/*` comes from the
// release test's registry, everything else from the machine's usual npm registry.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The outcome of one command. */
export interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment less every npm and pnpm setting inherited from the runner (`pnpm test` sets some). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_config_/i.test(key)));
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...extra };
}

/** How {@link runIn} runs a command. */
export interface RunOptions {
  /** Default {@link cleanEnv}(). */
  env?: NodeJS.ProcessEnv;
  /** The command is killed after this long; default 3 minutes. */
  timeoutMs?: number;
}

/** Runs `command args…` in `cwd` and returns its outcome. */
export function runIn(cwd: string, command: string, args: string[], options: RunOptions = {}): Outcome {
  const { env = cleanEnv(), timeoutMs = 180_000 } = options;
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { status: null, stdout: result.stdout, stderr: `${result.stderr}\n${result.error.message}` };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Creates an empty ES-module app whose `@kit/*` packages come from `registryUrl`; returns its directory. */
export function createApp(base: string, registryUrl: string, dependencies: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(base, "app-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "kit-user-app", private: true, type: "module", dependencies }, null, 2));
  writeFileSync(join(dir, ".npmrc"), `@kit:registry=${registryUrl}\n`);
  return dir;
}

/** Runs npm in an app, offline first (its cache), with no audit or funding requests. */
export function npm(app: string, args: string[]): Outcome {
  return runIn(app, "npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"]);
}

/** One installed package. */
export interface Installed {
  name: string;
  version: string;
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** Every package installed in an app (`npm ls --all`), each name once. */
export function installed(app: string): Installed[] {
  const found = new Map<string, string>();
  const visit = (deps: Record<string, LsNode> | undefined): void => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (node.version !== undefined && !found.has(name)) found.set(name, node.version);
      visit(node.dependencies);
    }
  };
  const out = runIn(app, "npm", ["ls", "--all", "--json"]);
  visit((JSON.parse(out.stdout || "{}") as LsNode).dependencies);
  return [...found].map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The version of `name` installed at the top of an app's node_modules. */
export function installedVersion(app: string, name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The app's tree as `npm ls --all` draws it. */
export function tree(app: string): string {
  return runIn(app, "npm", ["ls", "--all"]).stdout.trim();
}

/** A temporary directory for apps, outside the workspace. */
export function appsBase(): string {
  return mkdtempSync(join(tmpdir(), "kit-apps-"));
}
