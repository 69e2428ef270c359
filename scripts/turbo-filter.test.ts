// "Contribute to one package": `turbo run test --filter <pkg>...` must test that package and
// the packages it depends on, build what they need, and touch nothing else.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { workspacePackages } from "./lib/workspace.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packages = workspacePackages(root);

/** The workspace packages `name` depends on, directly or not (any kind of dependency). */
function dependenciesOf(name: string): Set<string> {
  const found = new Set<string>();
  const visit = (current: string): void => {
    const manifest = packages.find((p) => p.manifest.name === current)?.manifest;
    const deps = { ...manifest?.dependencies, ...manifest?.peerDependencies, ...manifest?.devDependencies };
    for (const dep of Object.keys(deps)) {
      if (packages.some((p) => p.manifest.name === dep) && !found.has(dep)) {
        found.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return found;
}

function plannedTasks(filter: string): string[] {
  const out = execFileSync(join(root, "node_modules", ".bin", "turbo"), ["run", "test", "--filter", filter, "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  return (JSON.parse(out) as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId).sort();
}

describe("turbo run test --filter <package>...", () => {
  it.each(["@kit/log", "@kit/transport-http"])("tests %s and what it depends on, and builds only those dependencies", (name) => {
    const deps = [...dependenciesOf(name)];
    const expected = [`${name}#test`, ...deps.flatMap((d) => [`${d}#build`, `${d}#test`])].sort();
    expect(plannedTasks(`${name}...`)).toEqual(expected);
  });
});
