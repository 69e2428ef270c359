// Checks the design's package map: no package depends on a package at its own level or above,
// every @kit dependency exists in the workspace, and every package a source file imports is
// declared in package.json (dependencies or peers for src, any for tests).
//
//   node scripts/check-levels.ts        exits 1 and lists each problem
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Manifest, workspacePackages } from "./lib/workspace.ts";

/** Levels of the package map (docs/architecture.md); `app` is examples and bench, which nothing may import. */
export const levels = { level0: 0, level1: 1, level2: 2, level3: 3, tools: 4, app: 5 } as const;
export type LevelTag = keyof typeof levels;

/** One import found in a source file. */
export interface ImportSite {
  file: string;
  specifier: string;
  /** Test files may import devDependencies. */
  test: boolean;
}

/** What the check needs to know about one package. */
export interface PackageFacts {
  dir: string;
  manifest: Manifest;
  /** The package's level tag from its turbo.json, or undefined when it has none. */
  tag: string | undefined;
  imports: ImportSite[];
}

const builtins = new Set(builtinModules);

/** The package a bare import specifier names, or undefined for relative, absolute and built-in ones. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
  return builtins.has(name) ? undefined : name;
}

/** The import specifiers in a TypeScript or JavaScript source text (static, dynamic and `export … from`). */
export function importsIn(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (match[1]) found.add(match[1]);
  return [...found];
}

/** Every problem with the packages' levels and declared dependencies; empty when all is well. */
export function checkLevels(packages: PackageFacts[]): string[] {
  const problems: string[] = [];
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const levelOf = (p: PackageFacts): number | undefined =>
    p.tag !== undefined && p.tag in levels ? levels[p.tag as LevelTag] : undefined;

  for (const pkg of packages) {
    const { name } = pkg.manifest;
    const level = levelOf(pkg);
    if (level === undefined) {
      problems.push(`${name}: turbo.json needs one tag of ${Object.keys(levels).join(", ")} (found ${pkg.tag ?? "none"})`);
      continue;
    }
    const runtime = { ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies };
    const all = { ...runtime, ...pkg.manifest.devDependencies };
    for (const dep of Object.keys(all)) {
      if (!dep.startsWith("@kit/")) continue;
      const target = byName.get(dep);
      if (!target) {
        problems.push(`${name}: depends on ${dep}, which is not in the workspace`);
        continue;
      }
      const targetLevel = levelOf(target);
      if (targetLevel !== undefined && targetLevel >= level && level !== levels.app) {
        problems.push(`${name} (${pkg.tag}): depends on ${dep} (${target.tag}), which is at its own level or above`);
      }
      if (targetLevel === levels.app) problems.push(`${name}: depends on ${dep}, an app that nothing may depend on`);
    }
    for (const site of pkg.imports) {
      const imported = packageOf(site.specifier);
      if (imported === undefined || imported === name) continue;
      const declared = site.test ? all : runtime;
      // A package with no types of its own is typed by DefinitelyTyped's @types/<name> (aws-lambda).
      if (!(imported in declared) && !(typesPackage(imported) in declared)) {
        const where = site.test ? "dependencies, peerDependencies or devDependencies" : "dependencies or peerDependencies";
        problems.push(`${name}: ${site.file} imports ${site.specifier}, but ${imported} is not in its ${where}`);
      }
    }
  }
  return problems;
}

/** The DefinitelyTyped package that types `name`: `aws-lambda` → `@types/aws-lambda`, `@scope/x` → `@types/scope__x`. */
function typesPackage(name: string): string {
  return `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
}

const sourceDirs = ["src", "test"];
const ignoredDirs = new Set(["node_modules", "dist", "coverage", ".turbo"]);

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(?:m?ts|m?js)$/.test(e.name) && !e.parentPath.split("/").some((p) => ignoredDirs.has(p)))
    .map((e) => join(e.parentPath, e.name));
}

/** Reads the facts of every workspace package under `root`. */
export function readFacts(root: string): PackageFacts[] {
  return workspacePackages(root).map(({ dir, manifest }) => {
    const abs = join(root, dir);
    const turbo = join(abs, "turbo.json");
    const tags = existsSync(turbo) ? ((JSON.parse(readFileSync(turbo, "utf8")) as { tags?: string[] }).tags ?? []) : [];
    const files = [...sourceDirs.flatMap((d) => sourceFiles(join(abs, d))), ...sourceFiles(abs).filter((f) => !f.slice(abs.length + 1).includes("/"))];
    const imports = [...new Set(files)].flatMap((file) => {
      const rel = relative(abs, file);
      const test = /(?:^|\/)test\/|\.test(?:-d)?\.ts$|\.bench\.ts$|^[^/]*\.config\.ts$/.test(rel);
      return importsIn(readFileSync(file, "utf8")).map((specifier) => ({ file: `${dir}/${rel}`, specifier, test }));
    });
    return { dir, manifest, tag: tags.find((t) => t in levels), imports };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const facts = readFacts(root);
  const problems = checkLevels(facts);
  if (problems.length > 0) {
    console.error(`check-levels: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`check-levels: ${facts.length} packages, levels and declared dependencies are in order`);
}
