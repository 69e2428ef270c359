// The workflows are linted (actionlint), and say what governance.md promises: CI runs what
// .ci/run runs, pull requests need a changeset, releases carry provenance, snapshots never
// reach `latest`.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lintWorkflow, workflowFiles } from "./check-workflows.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string): string => readFileSync(join(root, file), "utf8");

describe("lintWorkflow", () => {
  it("finds an unknown context property and a job that needs a job that does not exist", async () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo ${{ github.nope }}\n";
    const problems = await lintWorkflow(broken, "broken.yml");
    expect(problems.some((p) => p.includes('"nope"') && p.includes("[job-needs]"))).toBe(true);
    expect(problems.some((p) => p.includes("[expression]"))).toBe(true);
  });

  it("passes every workflow of this repository", async () => {
    expect(workflowFiles(root)).toEqual([".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/workflows/snapshot.yml"]);
    for (const file of workflowFiles(root)) expect(await lintWorkflow(read(file), file)).toEqual([]);
  });
});

describe("the workflows", () => {
  it("run on pull requests and main exactly what .ci/run runs, the README's test command", () => {
    const ci = read(".github/workflows/ci.yml");
    expect(ci).toMatch(/on:\n {2}pull_request:\n {2}push:\n {4}branches: \[main\]/);
    expect(ci).toContain("bash .ci/run");
    expect(read(".ci/run")).toContain("bash scripts/kit.sh test");
    expect(read("README.md")).toContain("bash scripts/kit.sh test");
  });

  it("fail a pull request that changes a published package without a changeset", () => {
    const ci = read(".github/workflows/ci.yml");
    expect(ci).toContain("fetch-depth: 0");
    expect(ci).toContain("pnpm changeset status --since=origin/main");
    expect(ci).toContain("node scripts/check-ranges.ts --since origin/main");
  });

  it("version and publish with changesets, from CI only, with npm provenance", () => {
    const release = read(".github/workflows/release.yml");
    expect(release).toContain("uses: changesets/action@v2");
    expect(release).toContain("publish-script: pnpm release");
    expect(release).toContain("id-token: write");
    expect(release).toContain('NPM_CONFIG_PROVENANCE: "true"');
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.release).toMatch(/^pnpm run build:release && .*changeset pack --out-dir \.release && node scripts\/check-tarballs\.ts \.release && changeset publish --from-pack-dir \.release$/);
    expect(scripts["build:release"]).toMatch(/^node scripts\/clean-dist\.ts && turbo run build .*--force/);
  });

  it("publish snapshots under their own dist-tag, never latest", () => {
    const snapshot = read(".github/workflows/snapshot.yml");
    expect(snapshot).toContain('pnpm changeset version --snapshot "$SNAPSHOT"');
    expect(snapshot).toContain("pnpm changeset publish --tag snapshot --no-git-tag");
    expect(snapshot).toContain("node scripts/check-tarballs.ts .release");
  });
});
