import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkPackageFiles } from "./check-tarballs.ts";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An unpacked package with `files` (path → content); package.json is made from `manifest`. */
function unpacked(files: Record<string, string>, manifest: object = {}): string {
  const root = mkdtempSync(join(tmpdir(), "kit-tarball-test-"));
  temps.push(root);
  const all = { "package.json": JSON.stringify({ name: "@kit/x", version: "0.2.0", exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } }, ...manifest }), ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const whole = {
  "README.md": "# @kit/x\n",
  LICENSE: "MIT\n",
  "CHANGELOG.md": "# @kit/x\n\n## 0.2.0\n\n- Something.\n",
  "dist/index.js": "export {};\n",
  "dist/index.d.ts": "export {};\n",
};

describe("checkPackageFiles", () => {
  it("accepts a whole package", () => {
    expect(checkPackageFiles(unpacked(whole), new Set(["src/index.ts"])).problems).toEqual([]);
  });

  it("names a missing LICENSE, a CHANGELOG without this version, and an exports target that is not there", () => {
    const withoutLicense = Object.fromEntries(Object.entries(whole).filter(([path]) => path !== "LICENSE"));
    const problems = checkPackageFiles(unpacked({ ...withoutLicense, "CHANGELOG.md": "# @kit/x\n" }, { exports: { "./jwt": "./dist/jwt.js" } })).problems;
    expect(problems).toEqual(["no LICENSE", 'CHANGELOG.md has no "## 0.2.0" entry', "exports names ./dist/jwt.js, which is not in the tarball"]);
  });

  it("names a bin that is not in the tarball (a command `npx` could not run)", () => {
    const problems = checkPackageFiles(unpacked(whole, { bin: { kitgen: "./bin/kitgen.js" } })).problems;
    expect(problems).toEqual(["bin names ./bin/kitgen.js, which is not in the tarball"]);
    expect(checkPackageFiles(unpacked({ ...whole, "bin/kitgen.js": "" }, { bin: "./bin/kitgen.js" })).problems).toEqual([]);
  });

  it("names maps to sources the tarball does not hold, a dangling sourceMappingURL, and test files", () => {
    const problems = checkPackageFiles(
      unpacked({
        ...whole,
        "dist/index.js": "export {};\n//# sourceMappingURL=index.js.map\n",
        "dist/index.d.ts": "export {};\n//# sourceMappingURL=index.d.ts.map\n",
        "dist/index.d.ts.map": JSON.stringify({ version: 3, sources: ["../src/index.ts"], mappings: "" }),
        "dist/index.test.js": "",
      }),
    ).problems;
    expect(problems).toEqual([
      "dist/index.test.js should not ship",
      "dist/index.d.ts.map maps to ../src/index.ts, which is not in the tarball",
      "dist/index.js names a map index.js.map that is not in the tarball",
    ]);
  });

  it("names a dist file whose source is gone: a stale build output", () => {
    const problems = checkPackageFiles(unpacked({ ...whole, "dist/old-name.js": "export {};\n" }), new Set(["src/index.ts"])).problems;
    expect(problems).toEqual(["dist/old-name.js has no source src/old-name.ts: a stale build output"]);
  });
});
