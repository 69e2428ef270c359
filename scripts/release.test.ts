// A release, tried as a user would meet it. On a copy of the workspace, `changeset version`,
// `changeset pack` and `changeset publish` put every public package on a verdaccio started here
// on 127.0.0.1 (no uplink: every `@kit/*` it serves was published by this test). Then apps
// outside the workspace, installed with plain npm:
// - one transport installed alone brings no other broker's client;
// - @kit/transport-nats's README example type-checks (nodenext, and bundler) with
//   `skipLibCheck: false` and without the optional peers, runs against the real NATS server,
//   and loads with `require()` from CommonJS;
// - after a core minor (@kit/endpoint and @kit/transport) and a transport patch, `npm update`
//   in an app that pinned `^` of the first release succeeds, and the app still runs;
// - `npx @kit/kitgen new` in an empty folder scaffolds a service that installs from the registry,
//   passes `kitgen check`, builds, passes its own test and answers over HTTP; `pnpm dlx` scaffolds
//   the same files.
// Its closing lines list the tarballs with their sizes, the single-install trees and the update.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kilobytes } from "./check-tarballs.ts";
import { releaseSummaryFile } from "./lib/test-report.ts";
import { appsBase, cleanEnv, createApp, installed, installedVersion, npm, runIn, tree, type Outcome } from "./lib/npm-app.ts";
import { startRegistry, type Registry } from "./lib/registry.ts";
import { releaseSandbox, type Release } from "./lib/release-run.ts";
import { manifestSandbox, manifestsByName } from "./lib/sandbox.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const alone = ["@kit/transport-nats", "@kit/transport-kafka", "@kit/transport-http"];
const summary: string[] = [];
let registry: Registry | undefined;
let sandbox = "";
let apps = "";
let first: Release = { reports: [] };
let started = 0;

/** The first TypeScript example of a README, with its own subject and the test's NATS server. */
function readmeExample(readme: string): string {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, readme), "utf8"))?.[1];
  if (code === undefined) throw new Error(`${readme} has no ts example`);
  const server = new URL(natsUrl.replace(/^nats:/, "http:")).host;
  return code.replaceAll('"svc.sum"', `"release_test.${randomBytes(6).toString("hex")}.sum"`).replaceAll('"127.0.0.1:4222"', JSON.stringify(server));
}

/** Every file under `dir`, by its path relative to `dir`, with its text. */
function contentsUnder(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(files.map((entry) => [relative(dir, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), "utf8")]));
}

/** Fails the test with the output of `step` unless it exited 0. */
function succeeded(step: string, outcome: Outcome): void {
  if (outcome.status !== 0) throw new Error(`${step} exited with ${String(outcome.status)}:\n${outcome.stdout}${outcome.stderr}`);
}

/** Every third-party peer of every published package: broker clients and backends. */
function thirdPartyPeers(): Map<string, Set<string>> {
  const peers = new Map<string, Set<string>>();
  for (const m of manifestsByName(root).values()) {
    if (m.private === true) continue;
    peers.set(m.name, new Set(Object.keys(m.peerDependencies ?? {}).filter((n) => !n.startsWith("@kit/"))));
  }
  return peers;
}

function versionOf(name: string): string {
  const version = manifestsByName(sandbox).get(name)?.version;
  if (version === undefined) throw new Error(`no ${name} in the sandbox`);
  return version;
}

beforeAll(async () => {
  started = Date.now();
  apps = appsBase();
  registry = await startRegistry(join(apps, "registry"));
  sandbox = manifestSandbox(root, { changesets: true, contents: true });
  first = releaseSandbox(root, sandbox, registry, "first");
}, 900_000);

afterAll(async () => {
  await registry?.stop();
  for (const dir of [sandbox, apps]) if (dir) rmSync(dir, { recursive: true, force: true });
  const text = [`== release test (${String(Math.round((Date.now() - started) / 1000))} s)`, ...summary].join("\n");
  console.log(`\n${text}`);
  writeFileSync(releaseSummaryFile, `${text}\n`); // scripts/run-tests.ts prints it again at the end of the run
});

describe("a release on a local registry", { timeout: 180_000 }, () => {
  it("publishes every public package, each tarball whole: dist, README, LICENSE, CHANGELOG, package.json, no map to a missing file", () => {
    const expected = [...manifestsByName(root).values()].filter((m) => m.private !== true).map((m) => m.name);
    expect(first.reports.map((r) => r.name).sort()).toEqual(expected.sort());
    expect(first.reports.filter((r) => r.problems.length > 0).map((r) => `${r.name}: ${r.problems.join("; ")}`)).toEqual([]);
    const total = first.reports.reduce((sum, r) => sum + r.size, 0);
    summary.push(`published ${first.reports.length} packages to ${registry?.url ?? ""} (${kilobytes(total)} in all):`);
    for (const r of first.reports) summary.push(`  ${r.name}@${r.version}  ${kilobytes(r.size)}  ${r.files.length} files`);
  });

  it.each(alone)("installs %s alone, with no other package's broker client or backend", (name) => {
    const app = createApp(apps, registry?.url ?? "");
    const install = npm(app, ["install", `${name}@${versionOf(name)}`]);
    expect(install).toMatchObject({ status: 0 });
    const own = thirdPartyPeers().get(name) ?? new Set();
    const foreign = new Set([...thirdPartyPeers().values()].flatMap((s) => [...s]).filter((n) => !own.has(n)));
    const names = installed(app).map((p) => p.name);
    expect(names).toContain(name);
    expect(names.filter((n) => foreign.has(n))).toEqual([]);
    summary.push(`single install of ${name}: ${String(names.length)} packages`, ...tree(app).split("\n").map((l) => `  ${l}`));
  });
});

describe("@kit/transport-nats's README example, installed from the registry", { timeout: 180_000 }, () => {
  let app = "";
  beforeAll(() => {
    app = createApp(apps, registry?.url ?? "");
    const install = npm(app, ["install", `@kit/transport-nats@${versionOf("@kit/transport-nats")}`, "@types/node@24"]);
    if (install.status !== 0) throw new Error(install.stderr);
    writeFileSync(join(app, "example.ts"), readmeExample("packages/transport-nats/README.md"));
  }, 300_000);

  it("installs without the optional peers @nats-io/jetstream and @nats-io/services", () => {
    const names = installed(app).map((p) => p.name);
    expect(names).toContain("@nats-io/transport-node");
    expect(names.filter((n) => n === "@nats-io/jetstream" || n === "@nats-io/services")).toEqual([]);
  });

  it.each([
    ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }],
    ["bundler", { module: "preserve", moduleResolution: "bundler" }],
  ])("type-checks under %s resolution with skipLibCheck false", (label, resolution) => {
    const options = { ...resolution, target: "es2023", lib: ["es2023"], types: ["node"], strict: true, skipLibCheck: false, noEmit: true };
    writeFileSync(join(app, `tsconfig.${label}.json`), JSON.stringify({ compilerOptions: options, files: ["example.ts"] }));
    const check = runIn(app, process.execPath, [tsc, "-p", `tsconfig.${label}.json`]);
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  }, 120_000);

  it("runs against the real NATS server as written", () => {
    const run = runIn(app, process.execPath, ["example.ts"], { env: process.env, timeoutMs: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("{ v: 3 }");
  }, 90_000);

  it("loads with require() from CommonJS", () => {
    const cjs = [
      'const { publisher, subscriber } = require("@kit/transport-nats");',
      'const { background, chain } = require("@kit/endpoint");',
      'const { decodeJSONMessage } = require("@kit/transport");',
      "console.log([publisher, subscriber, background, chain, decodeJSONMessage].map((f) => typeof f).join(' '));",
    ].join("\n");
    writeFileSync(join(app, "require.cjs"), cjs);
    const run = runIn(app, process.execPath, ["require.cjs"], { env: process.env, timeoutMs: 60_000 });
    expect(run.stdout.trim()).toBe("function function function function function");
  }, 90_000);
});

describe("kitgen with npx and pnpm dlx in a fresh project, everything from the registry", { timeout: 600_000 }, () => {
  it("scaffolds a service (pnpm dlx writes the same files) that installs, passes `kitgen check`, builds, passes its own test and answers over HTTP", async () => {
    const app = createApp(apps, registry?.url ?? "");
    // A cache of its own: npx reuses what an earlier run installed for the same version in the machine's.
    const env = cleanEnv({ npm_config_cache: join(app, ".npm-cache") });
    const created = runIn(app, "npx", ["--yes", `@kit/kitgen@${versionOf("@kit/kitgen")}`, "new", "shop"], { env });
    succeeded("npx @kit/kitgen new", created);
    const shop = join(app, "shop");
    // pnpm dlx writes the same package (its metadata cache of its own, for the same reason).
    const pnpmEnv = cleanEnv({ npm_config_cache_dir: join(app, ".pnpm-cache") });
    succeeded("pnpm dlx @kit/kitgen new", runIn(app, "pnpm", ["dlx", `@kit/kitgen@${versionOf("@kit/kitgen")}`, "new", "shop", "--dir", "shop-dlx"], { env: pnpmEnv }));
    expect(contentsUnder(join(app, "shop-dlx"))).toEqual(contentsUnder(shop));
    copyFileSync(join(app, ".npmrc"), join(shop, ".npmrc")); // where @kit/* comes from, as a project on a private registry has it
    succeeded("npm install", npm(shop, ["install"]));
    const kits = installed(shop).filter((p) => p.name.startsWith("@kit/"));
    expect(kits.map((p) => p.name)).toEqual(expect.arrayContaining(["@kit/endpoint", "@kit/transport-http", "@kit/transport-nats"]));
    expect(kits.map((p) => `${p.name}@${p.version}`)).toEqual(kits.map((p) => `${p.name}@${versionOf(p.name)}`));
    for (const script of ["check", "build", "test"]) succeeded(`npm run ${script}`, npm(shop, ["run", script]));

    const withoutNats = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NATS_URL")); // HTTP alone
    const server = spawn(process.execPath, ["dist/main.js"], { cwd: shop, env: { ...withoutNats, PORT: "0" } });
    let logged = "";
    server.stdout.on("data", (chunk: Buffer) => (logged += chunk.toString()));
    try {
      const listening = (): string | undefined => /transport=HTTP addr=(\S+)/.exec(logged)?.[1];
      await expect.poll(listening, { timeout: 20_000 }).toBeDefined();
      const res = await fetch(`http://${listening() ?? ""}/greet`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"kit"}' });
      expect(await res.json()).toEqual({ message: "hello, kit", count: 1 });
    } finally {
      server.kill("SIGTERM");
    }
    summary.push(`npx @kit/kitgen@${versionOf("@kit/kitgen")} new shop: ${String(kits.length)} @kit/* packages installed from the registry; check, build, test and an HTTP call passed; pnpm dlx wrote the same files`);
  });
});

describe("a core minor after the first release", () => {
  it("keeps `npm update` working in an app that pinned ^ of the first release, and the app still runs", () => {
    const pinned = ["@kit/endpoint", "@kit/transport", "@kit/transport-nats"];
    const app = createApp(apps, registry?.url ?? "", {
      ...Object.fromEntries(pinned.map((n) => [n, `^${versionOf(n)}`])),
      "@nats-io/nats-core": "^3.0.0",
      "@nats-io/transport-node": "^3.0.0",
    });
    expect(npm(app, ["install"]).status).toBe(0);
    writeFileSync(join(app, "main.ts"), readmeExample("packages/transport-nats/README.md"));
    const before = Object.fromEntries(pinned.map((n) => [n, installedVersion(app, n)]));

    mkdirSync(join(sandbox, ".changeset"), { recursive: true });
    const bumps = '"@kit/endpoint": minor\n"@kit/transport": minor\n"@kit/transport-nats": patch';
    writeFileSync(join(sandbox, ".changeset", "core-minor.md"), `---\n${bumps}\n---\n\nSample: a new helper in each core.\n`);
    const second = releaseSandbox(root, sandbox, registry!, "core-minor");
    expect(second.reports.map((r) => r.name).sort()).toEqual(pinned);

    const update = npm(app, ["update"]);
    expect(update).toMatchObject({ status: 0 });
    const after = Object.fromEntries(pinned.map((n) => [n, installedVersion(app, n)]));
    expect(after["@kit/transport-nats"]).toBe(versionOf("@kit/transport-nats"));
    expect(after["@kit/endpoint"]).toBe(before["@kit/endpoint"]);
    const run = runIn(app, process.execPath, ["main.ts"], { env: process.env, timeoutMs: 60_000 });
    expect(run.stdout.trim()).toBe("{ v: 3 }");
    const latest = npm(app, ["install", "@kit/transport-nats@latest"]);
    expect(latest).toMatchObject({ status: 0 });

    summary.push(
      `core minor published: ${second.reports.map((r) => `${r.name}@${r.version}`).join(", ")}`,
      `npm update in an app pinned to ^ of the first release: exit ${String(update.status)}, the app still prints ${run.stdout.trim()}`,
      ...pinned.map((n) => `  ${n}: ${before[n] ?? "?"} → ${after[n] ?? "?"}`),
    );
  }, 900_000);
});
