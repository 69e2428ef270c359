// Shows what `changeset version` does with Kit's config and peer ranges (governance.md,
// "Version ranges"): releases are independent, a core minor leaves its dependents alone (their
// `>=0.1.0 <1` range already accepts it), and a core major moves them to the new major, which
// check-ranges then refuses unless each dependent is bumped past its caret range. It runs on a
// throwaway copy of the workspace's manifests, set to 0.1.0 as after the first release.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { rangeFormProblems, strandingProblems } from "./check-ranges.ts";
import { changeset, manifestSandbox, manifestsByName } from "./lib/sandbox.ts";
import { workspacePackages, type WorkspacePackage } from "./lib/workspace.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the workspace's manifests with every published package at `version`. */
function releasedWorkspace(version = "0.1.0"): string {
  const dir = manifestSandbox(root);
  temps.push(dir);
  for (const p of workspacePackages(dir).filter((w) => w.manifest.private !== true)) {
    const file = join(dir, p.dir, "package.json");
    writeFileSync(file, JSON.stringify({ ...p.manifest, version }, null, 2));
  }
  return dir;
}

function versions(dir: string): Map<string, string | undefined> {
  return new Map(workspacePackages(dir).map((p) => [p.manifest.name, p.manifest.version]));
}

/** The published packages that name `name` among their peers. */
function peersOf(name: string, packages: WorkspacePackage[]): string[] {
  return packages.filter((p) => p.manifest.private !== true && name in (p.manifest.peerDependencies ?? {})).map((p) => p.manifest.name);
}

function version(dir: string, changesetText: string): string[] {
  const before = versions(dir);
  writeFileSync(join(dir, ".changeset", "sample.md"), changesetText);
  changeset(root, dir, ["version"]);
  return [...versions(dir)].filter(([name, v]) => v !== before.get(name)).map(([name]) => name);
}

const published = workspacePackages(root).filter((p) => p.manifest.private !== true);

describe("changeset version", { timeout: 60_000 }, () => {
  it("releases a core minor alone: every dependent's peer range already accepts it", () => {
    const dir = releasedWorkspace();
    const moved = version(dir, '---\n"@kit/endpoint": minor\n---\n\nSample: a new helper.\n');
    expect(moved).toEqual(["@kit/endpoint"]);
    const after = manifestsByName(dir);
    expect(after.get("@kit/endpoint")?.version).toBe("0.2.0");
    expect(after.get("@kit/transport")?.peerDependencies?.["@kit/endpoint"]).toBe("workspace:>=0.1.0 <1");
    expect(readFileSync(join(dir, "packages/endpoint/CHANGELOG.md"), "utf8")).toContain("Sample: a new helper.");
  });

  it("moves the peers of a core major to the new major, and check-ranges asks for their own bumps", () => {
    const dir = releasedWorkspace();
    const before = manifestsByName(dir);
    const moved = version(dir, '---\n"@kit/endpoint": major\n---\n\nSample: Context is renamed.\n');
    // Only direct peers move: @kit/metrics-prometheus peers on @kit/metrics, whose patch its range accepts.
    expect(new Set(moved)).toEqual(new Set(["@kit/endpoint", ...peersOf("@kit/endpoint", published)]));
    expect(moved).not.toContain("@kit/metrics-prometheus");
    const after = manifestsByName(dir);
    expect(after.get("@kit/transport-nats")?.peerDependencies?.["@kit/endpoint"]).toBe("workspace:>=1.0.0 <2.0.0");
    expect(after.get("@kit/transport-nats")?.version).toBe("0.1.1");
    const problems = strandingProblems(before, after);
    expect(problems.some((p) => p.startsWith("@kit/transport-nats 0.1.0 → 0.1.1: its peer @kit/endpoint moves"))).toBe(true);
    expect(rangeFormProblems(after)).toEqual([]);
  });

  it("accepts a core major whose dependents carry their own minor", () => {
    const dir = releasedWorkspace();
    const before = manifestsByName(dir);
    const dependents = peersOf("@kit/endpoint", published);
    const lines = ['"@kit/endpoint": major', ...dependents.map((name) => `"${name}": minor`)].join("\n");
    version(dir, `---\n${lines}\n---\n\nSample: Context is renamed; upgrade every Kit package together.\n`);
    expect(strandingProblems(before, manifestsByName(dir))).toEqual([]);
  });

  it("bumps only a leaf package when only it changed", () => {
    const dir = releasedWorkspace();
    expect(version(dir, '---\n"@kit/log": minor\n---\n\nSample: a new formatter.\n')).toEqual(["@kit/log"]);
  });

  it("consumes the changeset and leaves private apps unversioned", () => {
    const dir = releasedWorkspace();
    version(dir, '---\n"@kit/endpoint": minor\n---\n\nSample.\n');
    expect(existsSync(join(dir, ".changeset", "sample.md"))).toBe(false);
    expect(versions(dir).get("addsvc")).toBe("0.0.0");
  });
});

/** Commits everything in `dir` (a new git repository on first call). */
function commit(dir: string, message: string): void {
  const git = (...args: string[]): void => {
    execFileSync("git", ["-c", "user.email=ci@kit.invalid", "-c", "user.name=ci", ...args], { cwd: dir, stdio: "pipe" });
  };
  if (!existsSync(join(dir, ".git"))) {
    writeFileSync(join(dir, ".gitignore"), "node_modules\n");
    git("init", "-q", "-b", "main");
  }
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

/** The exit code of `changeset status --since=main`, the pull-request check of ci.yml. */
function statusSinceMain(dir: string): number {
  try {
    changeset(root, dir, ["status", "--since=main"]);
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? 1;
  }
}

describe("changeset status --since=main (ci.yml's changeset job)", { timeout: 60_000 }, () => {
  it("fails a branch that changes a published package without a changeset, and passes it with one or with an empty one", () => {
    const dir = releasedWorkspace();
    commit(dir, "main");
    execFileSync("git", ["checkout", "-q", "-b", "change"], { cwd: dir });
    writeFileSync(join(dir, "packages/log/new.ts"), "export {};\n");
    commit(dir, "a change to @kit/log");
    expect(statusSinceMain(dir)).toBe(1);
    changeset(root, dir, ["add", "--empty"]);
    commit(dir, "no release needed");
    expect(statusSinceMain(dir)).toBe(0);
  });

  it("passes a branch that changes only unpublished code (examples, scripts)", () => {
    const dir = releasedWorkspace();
    commit(dir, "main");
    execFileSync("git", ["checkout", "-q", "-b", "tooling"], { cwd: dir });
    writeFileSync(join(dir, "examples/addsvc/new.ts"), "export {};\n");
    commit(dir, "an example");
    expect(statusSinceMain(dir)).toBe(0);
  });
});

describe("changeset add --empty", { timeout: 60_000 }, () => {
  it("writes an empty changeset, the way a pull request says it needs no release", () => {
    const dir = releasedWorkspace();
    changeset(root, dir, ["add", "--empty"]);
    const files = readdirSync(join(dir, ".changeset")).filter((f) => f.endsWith(".md"));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, ".changeset", files[0] ?? ""), "utf8")).toMatch(/^---\s*---/);
  });
});
