// Shows that releases are independent: `changeset version` on a sample changeset bumps only
// the packages it names and the packages that depend on them. It runs on a throwaway copy of
// the workspace's manifests, so the real tree is never changed.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { workspacePackages, type WorkspacePackage } from "./lib/workspace.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const changesetBin = join(root, "node_modules", ".bin", "changeset");
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the workspace's manifests and changesets config in a temporary directory. */
function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-changesets-"));
  temps.push(dir);
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset/config.json"]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  for (const p of workspacePackages(root)) {
    mkdirSync(join(dir, p.dir), { recursive: true });
    cpSync(join(root, p.dir, "package.json"), join(dir, p.dir, "package.json"));
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function versions(dir: string): Map<string, string | undefined> {
  return new Map(workspacePackages(dir).map((p) => [p.manifest.name, p.manifest.version]));
}

/** The published packages that depend on `name`, directly or through others (deps and peers). */
function dependentsOf(name: string, packages: WorkspacePackage[]): Set<string> {
  const found = new Set<string>();
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const p of packages) {
      const runtime = { ...p.manifest.dependencies, ...p.manifest.peerDependencies };
      if (p.manifest.private !== true && !found.has(p.manifest.name) && frontier.some((f) => f in runtime)) {
        found.add(p.manifest.name);
        next.push(p.manifest.name);
      }
    }
    frontier = next;
  }
  return found;
}

function version(dir: string, changeset: string): Map<string, string | undefined> {
  writeFileSync(join(dir, ".changeset", "sample.md"), changeset);
  execFileSync(changesetBin, ["version"], { cwd: dir, stdio: "pipe" });
  return versions(dir);
}

const published = workspacePackages(root).filter((p) => p.manifest.private !== true);

describe("changeset version", () => {
  it("bumps the named core package and every package that depends on it, and nothing else", () => {
    const dir = copyWorkspace();
    const before = versions(dir);
    const after = version(dir, '---\n"@kit/endpoint": patch\n---\n\nSample: context values are looked up faster.\n');
    const expected = new Set(["@kit/endpoint", ...dependentsOf("@kit/endpoint", published)]);
    const moved = [...after].filter(([name, v]) => v !== before.get(name)).map(([name]) => name);
    expect(new Set(moved)).toEqual(expected);
    expect(moved).toContain("@kit/transport");
    expect(moved).not.toContain("@kit/log");
    expect(after.get("@kit/endpoint")).toBe("0.0.1");
    expect([...expected].filter((name) => /^[1-9]/.test(after.get(name) ?? ""))).toEqual([]); // no accidental major bump
    expect(readFileSync(join(dir, "packages/endpoint/CHANGELOG.md"), "utf8")).toContain("Sample: context values are looked up faster.");
  });

  it("bumps only a leaf package when only it changed", () => {
    const dir = copyWorkspace();
    const before = versions(dir);
    const after = version(dir, '---\n"@kit/log": minor\n---\n\nSample: a new formatter.\n');
    const moved = [...after].filter(([name, v]) => v !== before.get(name)).map(([name]) => name);
    expect(moved).toEqual(["@kit/log", ...dependentsOf("@kit/log", published)]);
    expect(after.get("@kit/log")).toBe("0.1.0");
  });

  it("consumes the changeset and leaves private apps unversioned", () => {
    const dir = copyWorkspace();
    version(dir, '---\n"@kit/endpoint": minor\n---\n\nSample.\n');
    expect(existsSync(join(dir, ".changeset", "sample.md"))).toBe(false);
    expect(versions(dir).get("addsvc")).toBe("0.0.0");
  });
});

describe("changeset add --empty", () => {
  it("writes a new changeset file, as `pnpm changeset` does", () => {
    const dir = copyWorkspace();
    execFileSync(changesetBin, ["add", "--empty"], { cwd: dir, stdio: "pipe" });
    const files = readdirSync(join(dir, ".changeset")).filter((f) => f.endsWith(".md"));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, ".changeset", files[0] ?? ""), "utf8")).toMatch(/^---\s*---/);
  });
});
