// A throwaway copy of the workspace's manifests and changesets, where `changeset version` can run
// without touching the real tree. The copy's node_modules is a link to the real one.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { workspacePackages, type Manifest } from "./workspace.ts";

/** What to copy besides every package.json. */
export interface SandboxOptions {
  /** Copy the pending changesets (`.changeset/*.md`) too; default false. */
  changesets?: boolean;
  /** Extra files or directories, relative to the root, copied when they exist. */
  extra?: string[];
  /**
   * Copy what each published package ships too (README.md, LICENSE, CHANGELOG.md, the built
   * dist/, whatever else its `files` names) and link each package's `@kit/*` dependencies into its node_modules, so that
   * `changeset pack` and `pnpm publish` work in the copy; default false.
   */
  contents?: boolean;
}

/** Copies the workspace's manifests (and what `options` names) into a new temporary directory. */
export function manifestSandbox(root: string, options: SandboxOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-sandbox-"));
  const files = ["package.json", "pnpm-workspace.yaml", ".changeset/config.json", ...(options.extra ?? [])];
  if (options.changesets === true) {
    for (const f of readdirSync(join(root, ".changeset"))) if (f.endsWith(".md") && f !== "README.md") files.push(`.changeset/${f}`);
  }
  for (const p of workspacePackages(root)) {
    files.push(`${p.dir}/package.json`);
    if (options.contents === true && p.manifest.private !== true) files.push(...shipped(p.manifest).map((f) => `${p.dir}/${f}`));
  }
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  if (options.contents === true) linkWorkspaceDependencies(dir);
  return dir;
}

/** What a package ships: README.md, LICENSE, and each plain path its `files` names (dist/, CHANGELOG.md, kitgen's bin/…); not globs or negations. */
function shipped(manifest: Manifest): string[] {
  const listed = (manifest.files ?? []).filter((f) => !f.startsWith("!") && !/[*?{]/.test(f));
  return [...new Set(["README.md", "LICENSE", "CHANGELOG.md", "dist", ...listed])];
}

/** Links every `@kit/*` a package of the tree at `dir` names into its node_modules, as `pnpm install` would. */
export function linkWorkspaceDependencies(dir: string): void {
  const dirs = new Map(workspacePackages(dir).map((p) => [p.manifest.name, p.dir]));
  for (const p of workspacePackages(dir)) {
    const names = Object.keys({ ...p.manifest.dependencies, ...p.manifest.devDependencies, ...p.manifest.peerDependencies });
    for (const name of names) {
      const target = dirs.get(name);
      if (target === undefined) continue;
      const link = join(dir, p.dir, "node_modules", name);
      mkdirSync(dirname(link), { recursive: true });
      if (!existsSync(link)) symlinkSync(relative(dirname(link), join(dir, target)), link);
    }
  }
}

/** Runs the workspace's own `changeset` CLI with `args` in `cwd`; returns its output. */
export function changeset(root: string, cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(join(root, "node_modules", ".bin", "changeset"), args, { cwd, env, stdio: "pipe", encoding: "utf8" });
}

/** The manifests of a tree's packages by name. */
export function manifestsByName(root: string): Map<string, Manifest> {
  return new Map(workspacePackages(root).map((p) => [p.manifest.name, p.manifest]));
}
