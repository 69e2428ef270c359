// A tiny npm registry on 127.0.0.1 that serves Kit's packages, packed from this workspace as
// `pnpm publish` would pack them, and the third-party packages they need, packed from what
// `pnpm install` put in node_modules. The tutorial test points pnpm at it, so `pnpm add
// @kit/…` runs as a reader's would, with no network beyond 127.0.0.1.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string> | undefined;
  peerDependencies?: Record<string, string> | undefined;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

interface Packed {
  readonly manifest: Manifest;
  readonly file: string;
  readonly tarball: Buffer;
}

/** A running registry: its URL, and `close()`, which also deletes the tarballs. */
export interface LocalRegistry {
  readonly url: string;
  readonly packages: readonly string[];
  close(): Promise<void>;
}

/** `workspace:^` and `workspace:*` as `pnpm publish` writes them: `^<version>`, `<version>`. */
function published(manifest: Manifest, versions: ReadonlyMap<string, string>): Manifest {
  const rewrite = (ranges: Record<string, string> | undefined): Record<string, string> | undefined =>
    ranges === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(ranges).map(([name, range]) => {
            if (!range.startsWith("workspace:")) return [name, range];
            const version = versions.get(name) ?? "0.0.0";
            const kind = range.slice("workspace:".length);
            return [name, kind === "*" ? version : kind === "^" || kind === "~" ? `${kind}${version}` : kind];
          }),
        );
  const out: Manifest = { ...manifest, dependencies: rewrite(manifest.dependencies), peerDependencies: rewrite(manifest.peerDependencies) };
  delete out.devDependencies;
  delete out.scripts;
  return out;
}

function tarOf(staging: string, out: string): Buffer {
  execFileSync("tar", ["-czf", out, "-C", staging, "package"]);
  return readFileSync(out);
}

/** The dependencies pnpm will install for `manifest`: its dependencies and required peers. */
function needs(manifest: Manifest): string[] {
  const optional = manifest.peerDependenciesMeta ?? {};
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => optional[name]?.optional !== true);
  return [...Object.keys(manifest.dependencies ?? {}), ...peers];
}

/** The first of `bases` (node_modules directories) where `name` is installed, as a real path. */
function locate(name: string, bases: readonly string[]): string {
  for (const base of bases) {
    const candidate = join(base, name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
  }
  throw new Error(`local registry: cannot find ${name} in ${bases.join(", ")}`);
}

/** The node_modules directory a package installed by pnpm finds its dependencies in. */
function siblingsOf(dir: string, name: string): string {
  // dir is …/node_modules/<name> or …/node_modules/@scope/<name>: its dependencies are siblings.
  return name.startsWith("@") ? join(dir, "..", "..") : join(dir, "..");
}

/**
 * Packs `kitPackages` (names such as `@kit/transport-http`) from `workspace`'s `packages/`
 * with their Kit and third-party dependencies, the latter found from `nodeModules`, and serves
 * them. Anything else asked for is a 404, so a missing package fails the install at once.
 */
export async function localRegistry(workspace: string, nodeModules: string, kitPackages: readonly string[]): Promise<LocalRegistry> {
  const work = mkdtempSync(join(tmpdir(), "kit-registry-"));
  const kitDirs = new Map<string, string>();
  const versions = new Map<string, string>();
  for (const dir of execFileSync("ls", [join(workspace, "packages")], { encoding: "utf8" }).split("\n").filter(Boolean)) {
    const manifest = JSON.parse(readFileSync(join(workspace, "packages", dir, "package.json"), "utf8")) as Manifest;
    kitDirs.set(manifest.name, join(workspace, "packages", dir));
    versions.set(manifest.name, manifest.version);
  }

  const packed = new Map<string, Packed>();
  const pack = (name: string, bases: readonly string[]): void => {
    if (packed.has(name)) return;
    const kitDir = kitDirs.get(name);
    const dir = kitDir ?? locate(name, bases);
    const source = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    const manifest = kitDir === undefined ? source : published(source, versions);
    const staging = join(work, `${packed.size}`);
    const into = join(staging, "package");
    mkdirSync(into, { recursive: true });
    if (kitDir === undefined) cpSync(dir, into, { recursive: true, dereference: true, filter: (path) => !path.startsWith(join(dir, "node_modules")) });
    else {
      if (!existsSync(join(dir, "dist"))) throw new Error(`local registry: ${name} is not built (pnpm turbo run build)`);
      cpSync(join(dir, "dist"), join(into, "dist"), { recursive: true, filter: (path) => !/\.test\.|\.tsbuildinfo$/.test(path) });
      for (const file of ["README.md", "LICENSE"]) if (existsSync(join(dir, file))) cpSync(join(dir, file), join(into, file));
    }
    writeFileSync(join(into, "package.json"), JSON.stringify(manifest, null, 2));
    const file = `${name.replace("/", "-").replace("@", "")}-${manifest.version}.tgz`;
    packed.set(name, { manifest, file, tarball: tarOf(staging, join(work, file)) });
    const next = kitDir === undefined ? [siblingsOf(dir, name), nodeModules] : [join(kitDir, "node_modules"), nodeModules];
    for (const dependency of needs(manifest)) pack(dependency, next);
  };
  for (const name of kitPackages) pack(name, [nodeModules]);

  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/").slice(1);
    const tarball = [...packed.values()].find((p) => path === `-/${p.file}`);
    if (tarball !== undefined) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(tarball.tarball);
      return;
    }
    const entry = packed.get(path);
    if (entry === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    const { address, port } = server.address() as AddressInfo;
    const integrity = `sha512-${createHash("sha512").update(entry.tarball).digest("base64")}`;
    const shasum = createHash("sha1").update(entry.tarball).digest("hex");
    const version = { ...entry.manifest, _id: `${entry.manifest.name}@${entry.manifest.version}`, dist: { tarball: `http://${address}:${String(port)}/-/${entry.file}`, integrity, shasum } };
    const packument = { name: entry.manifest.name, "dist-tags": { latest: entry.manifest.version }, versions: { [entry.manifest.version]: version } };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    packages: [...packed.keys()].sort(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(work, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
