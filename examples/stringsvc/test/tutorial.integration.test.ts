// Runs docs/tutorial.md from its own text, in an empty folder outside the workspace, as a
// newcomer would: `pnpm add @kit/…` installs from a registry on 127.0.0.1 serving Kit's packages
// packed from this checkout (and the third-party packages they need, packed from
// node_modules), with a store and cache of its own, so nothing leaves 127.0.0.1. Port 8080 in
// the text becomes a free port, and 127.0.0.1:4222 the NATS_URL's address when it is set.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@kit/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocSession, stepsOf } from "./support/doc-session.ts";
import { type LocalRegistry, localRegistry } from "./support/local-registry.ts";

const example = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = join(example, "..", "..");
const kitPackages = ["@kit/endpoint", "@kit/log", "@kit/transport", "@kit/transport-http", "@kit/transport-nats", "@nats-io/transport-node"];

/**
 * A directory with a `pnpm` the tutorial's commands can run: the one on PATH, or, when the test
 * runs under a pnpm that is not on PATH, a shim calling the pnpm that started it.
 */
function pnpmDir(home: string): string {
  const found = spawnSync("bash", ["-c", "command -v pnpm"], { encoding: "utf8" }).stdout.trim();
  if (found !== "") return dirname(found);
  const running = process.env.npm_execpath;
  if (!running?.includes('pnpm')) throw new Error("the tutorial test needs pnpm on PATH");
  const dir = join(home, ".bin");
  mkdirSync(dir);
  writeFileSync(join(dir, "pnpm"), `#!/bin/sh\nexec "${process.execPath}" "${running}" "$@"\n`, { mode: 0o755 });
  return dir;
}

let registry: LocalRegistry;
let home: string;
let session: DocSession;

beforeAll(async () => {
  registry = await localRegistry(workspace, join(example, "node_modules"), kitPackages);
  home = mkdtempSync(join(tmpdir(), "kit-tutorial-"));
  session = new DocSession(home, {
    PATH: `${dirname(process.execPath)}:${pnpmDir(home)}:/usr/bin:/bin`,
    HOME: home,
    npm_config_registry: registry.url,
    npm_config_store_dir: join(home, ".pnpm-store"),
    npm_config_cache_dir: join(home, ".pnpm-cache"),
    npm_config_update_notifier: "false",
  });
});

afterAll(async () => {
  await session.close();
  await registry.close();
  rmSync(home, { recursive: true, force: true });
});

describe("docs/tutorial.md", () => {
  it("runs every step as shown, from an empty folder", async () => {
    let text = readFileSync(join(workspace, "docs", "tutorial.md"), "utf8").replaceAll("8080", String(await freePort()));
    const nats = process.env.NATS_URL;
    if (nats !== undefined) text = text.replaceAll("127.0.0.1:4222", new URL(nats).host);
    const steps = stepsOf(text);
    expect(steps.map((s) => (s.kind === "file" ? s.name : s.command.split(" ")[0]))).toEqual([
      "mkdir", "pnpm", "pnpm", "service.ts", "endpoints.ts", "main.ts", "node", "curl", "curl", "curl", "curl", "kill",
      "pnpm", "main.ts", "client.ts", "node", "node", "node", "curl", "kill",
    ]);
    for (const step of steps) await session.run(step, 60_000);
  }, 180_000);

  it("leaves TypeScript files that typecheck under strict settings", () => {
    const tsc = join(example, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--noEmit", "--skipLibCheck", "--strict", "--exactOptionalPropertyTypes", "--target", "es2023", "--module", "nodenext", "--allowImportingTsExtensions", "--verbatimModuleSyntax"];
    const types = ["--typeRoots", join(example, "node_modules", "@types"), "--types", "node"];
    const files = ["service.ts", "endpoints.ts", "main.ts", "client.ts"];
    const result = spawnSync(process.execPath, [tsc, ...flags, ...types, ...files], { cwd: join(home, "stringsvc"), encoding: "utf8" });
    expect([result.status, result.stdout]).toEqual([0, ""]);
  });
});
