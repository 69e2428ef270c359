// The API site documents every published package, so turbo's root `docs` task must build each
// of them first. A root task cannot say `^build` (the root depends on no package, and making it
// depend on them all would pull every package into every `--filter name...`), so turbo.json
// names each build; this check keeps that list equal to the published packages.
//
//   node scripts/check-docs-deps.ts     exits 1 and says what to add or remove
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workspacePackages } from "./lib/workspace.ts";

/** The problems with the docs task's `dependsOn`, given the published package names. */
export function checkDocsDeps(dependsOn: readonly string[], published: readonly string[]): string[] {
  const want = new Set(published.map((name) => `${name}#build`));
  const have = new Set(dependsOn);
  return [
    ...[...want].filter((task) => !have.has(task)).map((task) => `turbo.json: //#docs must depend on ${task}`),
    ...[...have].filter((task) => !want.has(task)).map((task) => `turbo.json: //#docs depends on ${task}, which is not a published package's build`),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const turbo = JSON.parse(readFileSync(join(root, "turbo.json"), "utf8")) as { tasks: Record<string, { dependsOn?: string[] }> };
  const published = workspacePackages(root).filter((p) => p.manifest.private !== true).map((p) => p.manifest.name);
  const problems = checkDocsDeps(turbo.tasks["//#docs"]?.dependsOn ?? [], published);
  if (problems.length > 0) {
    console.error(`check-docs-deps: ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`check-docs-deps: the docs task builds all ${published.length} published packages first`);
}
