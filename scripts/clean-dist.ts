// Deletes every published package's dist/, so that a release build starts from nothing: a file
// whose source was renamed or deleted would otherwise stay in dist/ and ship in the tarball.
//
//   node scripts/clean-dist.ts        (`pnpm run build:release` runs it before a forced build)
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workspacePackages } from "./lib/workspace.ts";

/** Removes `dist/` from each published package under `root`; returns the directories cleared. */
export function cleanDist(root: string): string[] {
  const published = workspacePackages(root).filter((p) => p.manifest.private !== true);
  for (const p of published) rmSync(join(root, p.dir, "dist"), { recursive: true, force: true });
  return published.map((p) => p.dir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  console.log(`clean-dist: cleared dist/ in ${cleanDist(root).length} packages`);
}
