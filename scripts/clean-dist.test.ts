import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanDist } from "./clean-dist.ts";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "kit-clean-dist-"));
  temps.push(root);
  writeFileSync(join(root, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n  - examples/*\n");
  const pkg = (dir: string, manifest: object): void => {
    mkdirSync(join(root, dir, "dist"), { recursive: true });
    writeFileSync(join(root, dir, "package.json"), JSON.stringify(manifest));
    writeFileSync(join(root, dir, "dist", "renamed-away.js"), "export {};\n");
  };
  pkg("packages/log", { name: "@kit/log", version: "0.1.0" });
  pkg("examples/app", { name: "app", private: true });
  return root;
}

describe("cleanDist", () => {
  it("empties every published package's dist/, so a stale file cannot ship, and leaves private apps alone", () => {
    const root = workspace();
    expect(cleanDist(root)).toEqual(["packages/log"]);
    expect(existsSync(join(root, "packages/log/dist"))).toBe(false);
    expect(existsSync(join(root, "examples/app/dist/renamed-away.js"))).toBe(true);
  });
});
