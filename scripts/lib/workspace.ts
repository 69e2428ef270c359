// Reads the workspace: every package directory the pnpm workspace names, with its manifest.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The fields of a package.json the checks read. */
export interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  /** What the package ships (npm's `files`). */
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A workspace package: its directory relative to the root, and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** The workspace globs, read from pnpm-workspace.yaml (only `dir/*` and plain `dir` forms). */
export function workspaceGlobs(root: string): string[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = /^packages:\s*\n((?:\s+-\s+.*\n?)+)/m.exec(yaml);
  if (!block?.[1]) throw new Error("pnpm-workspace.yaml has no packages list");
  return [...block[1].matchAll(/-\s+["']?([^"'\n]+?)["']?\s*$/gm)].map((m) => m[1] ?? "");
}

/** Every package in the workspace, sorted by directory. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const dirs: string[] = [];
  for (const glob of workspaceGlobs(root)) {
    if (glob.endsWith("/*")) {
      const parent = glob.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else {
      dirs.push(glob);
    }
  }
  return dirs
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .sort()
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Manifest }));
}
