// One release, as CI makes it, on a sandbox copy of the workspace: `changeset version`, then
// `changeset pack`, check-tarballs on what was packed, and `changeset publish` of those tarballs
// to the given registry (`pnpm release` runs the same three steps after a clean build).
import { join } from "node:path";
import { checkPackDir, type TarballReport } from "../check-tarballs.ts";
import { cleanEnv, runIn, type Outcome } from "./npm-app.ts";
import type { Registry } from "./registry.ts";

/** What one release published. */
export interface Release {
  /** One report per tarball published, problems included. */
  reports: TarballReport[];
}

function must(step: string, outcome: Outcome): Outcome {
  if (outcome.status !== 0) throw new Error(`${step} failed (${String(outcome.status)}):\n${outcome.stdout}\n${outcome.stderr}`);
  return outcome;
}

/** Versions, packs, checks and publishes the sandbox at `sandbox` to `registry`; `label` names its pack directory. */
export function releaseSandbox(root: string, sandbox: string, registry: Registry, label: string): Release {
  const changeset = join(root, "node_modules", ".bin", "changeset");
  const env = cleanEnv({ npm_config_userconfig: registry.userconfig });
  const version = runIn(sandbox, changeset, ["version"], { env });
  if (version.status !== 0 && !(version.stdout + version.stderr).includes("No unreleased changesets")) must("changeset version", version);
  const packDir = join(sandbox, `.release-${label}`);
  must("changeset pack", runIn(sandbox, changeset, ["pack", "--out-dir", packDir], { env, timeoutMs: 600_000 }));
  const reports = checkPackDir(root, packDir); // the test asserts on their problems
  must("changeset publish", runIn(sandbox, changeset, ["publish", "--from-pack-dir", packDir, "--no-git-tag"], { env, timeoutMs: 600_000 }));
  return { reports };
}
