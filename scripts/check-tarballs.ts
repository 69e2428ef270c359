// Checks what a release would publish, tarball by tarball: each holds package.json, README.md,
// LICENSE, a CHANGELOG.md with this version's entry, and dist/; every `exports` target is in
// it; no test file, build info, or map (or `sourceMappingURL`) that points at a file the
// tarball does not hold; and every file in dist/ was built from a source that still exists (a
// stale file left in dist/ would otherwise ship). `pnpm release` runs it between
// `changeset pack` and `changeset publish`; scripts/release.test.ts runs it on every CI run.
//
//   node scripts/check-tarballs.ts <pack-dir>    the directory `changeset pack --out-dir` wrote
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { workspacePackages } from "./lib/workspace.ts";

/** What was found in one tarball. */
export interface TarballReport {
  name: string;
  version: string;
  /** Compressed size in bytes. */
  size: number;
  files: string[];
  problems: string[];
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? walk(full, base) : [relative(base, full).split("\\").join("/")];
  });
}

/** The string leaves of an `exports` or `bin` map: the files it names. */
function mapTargets(map: unknown): string[] {
  if (typeof map === "string") return [map];
  if (map === null || typeof map !== "object") return [];
  return Object.values(map).flatMap(mapTargets);
}

/** Problems with the maps and `sourceMappingURL` comments among `files` (read from `root`). */
function mapProblems(root: string, files: Set<string>): string[] {
  const problems: string[] = [];
  const resolve = (from: string, target: string): string => normalize(join(dirname(from), target)).split("\\").join("/");
  for (const file of files) {
    if (file.endsWith(".map")) {
      const sources = (JSON.parse(readFileSync(join(root, file), "utf8")) as { sources?: string[] }).sources ?? [];
      for (const source of sources) if (!files.has(resolve(file, source))) problems.push(`${file} maps to ${source}, which is not in the tarball`);
    } else if (/\.(js|d\.ts)$/.test(file)) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, file), "utf8"))?.[1];
      if (url !== undefined && !url.startsWith("data:") && !files.has(resolve(file, url))) problems.push(`${file} names a map ${url} that is not in the tarball`);
    }
  }
  return problems;
}

/**
 * Checks an unpacked package (the `package/` directory of a tarball). `sources`, when given,
 * are the package's source files (`src/…`, relative to the package), to find stale dist files.
 */
export function checkPackageFiles(root: string, sources?: Set<string>): { manifest: Record<string, unknown>; files: string[]; problems: string[] } {
  const files = walk(root).sort();
  const present = new Set(files);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
  const problems: string[] = [];
  for (const required of ["package.json", "README.md", "LICENSE", "CHANGELOG.md"]) if (!present.has(required)) problems.push(`no ${required}`);
  if (!files.some((f) => f.startsWith("dist/"))) problems.push("no dist/");
  const version = String(manifest.version);
  if (present.has("CHANGELOG.md") && !readFileSync(join(root, "CHANGELOG.md"), "utf8").includes(`## ${version}`)) problems.push(`CHANGELOG.md has no "## ${version}" entry`);
  for (const field of ["exports", "bin"]) {
    for (const target of mapTargets(manifest[field])) if (!present.has(normalize(target).split("\\").join("/"))) problems.push(`${field} names ${target}, which is not in the tarball`);
  }
  for (const file of files) if (/\.test\.|\.tsbuildinfo$/.test(file)) problems.push(`${file} should not ship`);
  problems.push(...mapProblems(root, present));
  if (sources) {
    for (const file of files.filter((f) => f.startsWith("dist/") && /\.(js|d\.ts)$/.test(f))) {
      const source = file.replace(/^dist\//, "src/").replace(/(\.d)?\.ts$|\.js$/, ".ts");
      if (!sources.has(source)) problems.push(`${file} has no source ${source}: a stale build output`);
    }
  }
  return { manifest, files, problems };
}

/** Unpacks a tarball into a temporary directory and checks it; `sourceRoot` is the package's directory in the repository. */
export function checkTarball(tarball: string, sourceRoot?: string): TarballReport {
  const dir = mkdtempSync(join(tmpdir(), "kit-tarball-"));
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    const sources = sourceRoot !== undefined && existsSync(join(sourceRoot, "src")) ? new Set(walk(sourceRoot).filter((f) => f.startsWith("src/"))) : undefined;
    const { manifest, files, problems } = checkPackageFiles(join(dir, "package"), sources);
    return { name: String(manifest.name), version: String(manifest.version), size: statSync(tarball).size, files, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tarballs a `changeset pack --out-dir` directory holds (from its publish-plan.json), by package name. */
export function packedTarballs(packDir: string): { name: string; tarball: string }[] {
  const plan = JSON.parse(readFileSync(join(packDir, "publish-plan.json"), "utf8")) as { plan: { kind: string; name: string; tarball?: { path: string } }[][] };
  return plan.plan.flat().flatMap((r) => (r.kind === "publish" && r.tarball ? [{ name: r.name, tarball: join(packDir, r.tarball.path) }] : []));
}

/** `12.3 kB` */
export function kilobytes(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** Checks every tarball of a pack directory against the packages of the workspace at `root`; returns the reports. */
export function checkPackDir(root: string, packDir: string): TarballReport[] {
  const dirs = new Map(workspacePackages(root).map((p) => [p.manifest.name, join(root, p.dir)]));
  return packedTarballs(packDir).map(({ name, tarball }) => checkTarball(tarball, dirs.get(name)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const packDir = process.argv[2];
  if (packDir === undefined) throw new Error("usage: node scripts/check-tarballs.ts <pack-dir>");
  const reports = checkPackDir(root, packDir);
  for (const report of reports) {
    console.log(`${report.name}@${report.version}  ${kilobytes(report.size)}  ${report.files.length} files`);
    for (const problem of report.problems) console.error(`  ${problem}`);
  }
  const failed = reports.filter((r) => r.problems.length > 0).length;
  if (failed > 0) {
    console.error(`check-tarballs: ${failed} tarball(s) with problems`);
    process.exit(1);
  }
}
