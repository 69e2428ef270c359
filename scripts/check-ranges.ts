// Keeps the version ranges between Kit's packages from stranding a user (governance.md,
// "Version ranges"). Two rules:
//
// 1. Every `@kit/*` peer range is `workspace:>=X.Y.Z <M`: from the oldest release of that
//    package this one works with, up to (not including) its next major. So a minor of a core
//    package is inside every dependent's range, and nobody has to move in step with it.
// 2. The pending release never narrows a range under a release that `npm update` would pick:
//    when a dependent's published peer range stops accepting a version it accepted (a hand-
//    raised lower bound, or changesets moving it to a core's new major), the dependent's own
//    bump must leave its caret range (a minor in 0.x, a major from 1.0), or an app that pinned
//    `^` of both gets ERESOLVE from `npm update`.
//
//   node scripts/check-ranges.ts                  rule 1, and rule 2 against the tree's own manifests
//   node scripts/check-ranges.ts --since <ref>    rule 2 against the manifests at <ref> (CI: origin/main)
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { changeset, manifestSandbox, manifestsByName } from "./lib/sandbox.ts";
import { workspacePackages, type Manifest } from "./lib/workspace.ts";

/** A `major.minor.patch` version (any pre-release part is ignored). */
export type Version = readonly [number, number, number];

/** Parses `1.2.3` (or `1.2.3-next.0`, `2`); undefined when it is not a version. */
export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[\w.-]+)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A peer range in the house form: versions from `lower` up to, not including, major `upperMajor`. */
export interface PeerRange {
  lower: Version;
  upperMajor: number;
}

/** Parses `workspace:>=0.1.0 <1` (or the published `>=0.1.0 <1`, or `<1.0.0`); undefined otherwise. */
export function parsePeerRange(range: string): PeerRange | undefined {
  const m = /^(?:workspace:)?>=\s*(\d+\.\d+\.\d+)\s+<\s*(\d+)(?:\.0\.0)?$/.exec(range.trim());
  const lower = m?.[1] === undefined ? undefined : parseVersion(m[1]);
  return lower ? { lower, upperMajor: Number(m?.[2]) } : undefined;
}

/** Whether `version` is in `range`. */
export function inRange(version: Version, range: PeerRange): boolean {
  return compare(version, range.lower) >= 0 && version[0] < range.upperMajor;
}

/** Whether `next` is inside `^current`, so that `npm update` of an app that pinned `^current` picks it. */
export function caretAccepts(current: Version, next: Version): boolean {
  if (compare(next, current) < 0) return false;
  if (current[0] > 0) return next[0] === current[0];
  if (current[1] > 0) return next[0] === 0 && next[1] === current[1];
  return next[0] === 0 && next[1] === 0 && next[2] === current[2];
}

const show = (v: Version): string => v.join(".");
const kitPeers = (m: Manifest): [string, string][] => Object.entries(m.peerDependencies ?? {}).filter(([name]) => name.startsWith("@kit/"));

/** Rule 1: every published package's `@kit/*` peers are ranged `workspace:>=X.Y.Z <M`, and no `@kit/*` is a plain dependency. */
export function rangeFormProblems(manifests: Map<string, Manifest>): string[] {
  const problems: string[] = [];
  for (const m of manifests.values()) {
    if (m.private === true) continue;
    for (const name of Object.keys(m.dependencies ?? {})) {
      if (name.startsWith("@kit/")) problems.push(`${m.name}: ${name} is a dependency; Kit packages depend on each other as peers`);
    }
    for (const [name, range] of kitPeers(m)) {
      const parsed = parsePeerRange(range);
      const dep = parseVersion(manifests.get(name)?.version ?? "");
      if (!parsed || !dep) {
        problems.push(`${m.name}: peer ${name} is "${range}"; write "workspace:>=<oldest release it works with> <<next major>", such as "workspace:>=0.1.0 <1"`);
        continue;
      }
      const upper = parsed.lower[0] === 0 ? 1 : parsed.lower[0] + 1;
      if (parsed.upperMajor !== upper) problems.push(`${m.name}: peer ${name} "${range}" must stop at the next major of its lower bound: <${upper}`);
      const unreleased = compare(dep, [0, 0, 0]) === 0 && compare(parsed.lower, [0, 1, 0]) === 0;
      if (!unreleased && !inRange(dep, parsed)) problems.push(`${m.name}: peer ${name} "${range}" does not accept the workspace's ${name} ${show(dep)}`);
    }
  }
  return problems;
}

/** Rule 2: comparing the released manifests (`before`) with the ones `changeset version` leaves (`after`). */
export function strandingProblems(before: Map<string, Manifest>, after: Map<string, Manifest>): string[] {
  const problems: string[] = [];
  for (const [name, next] of after) {
    const prev = before.get(name);
    if (next.private === true || !prev) continue;
    const from = parseVersion(prev.version ?? "");
    const to = parseVersion(next.version ?? "");
    if (!from || !to || compare(from, [0, 0, 0]) === 0) continue; // never released: nobody to strand
    for (const [peer, range] of kitPeers(next)) {
      const was = parsePeerRange(prev.peerDependencies?.[peer] ?? "");
      const now = parsePeerRange(range);
      if (!was || !now || inRange(was.lower, now)) continue;
      if (!caretAccepts(from, to)) continue;
      const needed = from[0] > 0 ? "major" : "minor";
      problems.push(
        `${name} ${show(from)} → ${show(to)}: its peer ${peer} moves from >=${show(was.lower)} to >=${show(now.lower)}, ` +
          `so an app with ${peer} ^${show(was.lower)} gets ERESOLVE from \`npm update\`. Add a changeset: "${name}": ${needed}, ` +
          `telling its users to upgrade ${peer} with it.`,
      );
    }
  }
  return problems;
}

/** The manifests `changeset version` would leave, computed on a throwaway copy of `root`. */
export function versionedManifests(root: string): Map<string, Manifest> {
  const dir = manifestSandbox(root, { changesets: true });
  try {
    changeset(root, dir, ["version"]);
    return manifestsByName(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The manifests of the tree at git `ref`, for the packages that exist there. */
export function manifestsAt(root: string, ref: string): Map<string, Manifest> {
  const found = new Map<string, Manifest>();
  for (const p of workspacePackages(root)) {
    try {
      const text = execFileSync("git", ["show", `${ref}:${p.dir}/package.json`], { cwd: root, encoding: "utf8", stdio: "pipe" });
      const manifest = JSON.parse(text) as Manifest;
      found.set(manifest.name, manifest);
    } catch {
      // a package new since <ref> has no released manifest
    }
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const since = process.argv.indexOf("--since");
  const ref = since >= 0 ? process.argv[since + 1] : undefined;
  const current = manifestsByName(root);
  const before = ref === undefined ? current : manifestsAt(root, ref);
  const problems = [...rangeFormProblems(current), ...strandingProblems(before, versionedManifests(root))];
  if (problems.length > 0) {
    console.error(`check-ranges: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`check-ranges: every @kit peer range spans its major, and the pending release strands nobody${ref ? ` (since ${ref})` : ""}`);
}
