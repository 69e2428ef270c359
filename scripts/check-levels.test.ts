import { describe, expect, it } from "vitest";
import { checkLevels, importsIn, packageOf, type PackageFacts } from "./check-levels.ts";

function pkg(name: string, tag: string | undefined, deps: Partial<Record<"dependencies" | "peerDependencies" | "devDependencies", Record<string, string>>> = {}, imports: PackageFacts["imports"] = []): PackageFacts {
  return { dir: `packages/${name.replace("@kit/", "")}`, manifest: { name, ...deps }, tag, imports };
}

const endpoint = pkg("@kit/endpoint", "level0");
const log = pkg("@kit/log", "level1");

describe("checkLevels", () => {
  it("accepts dependencies that point down the package map", () => {
    const http = pkg("@kit/transport-http", "level2", { peerDependencies: { "@kit/endpoint": "workspace:^" } }, [
      { file: "src/server.ts", specifier: "@kit/endpoint", test: false },
    ]);
    expect(checkLevels([endpoint, log, http])).toEqual([]);
  });

  it("refuses a dependency on a package at the same level", () => {
    const transport = pkg("@kit/transport", "level1", { dependencies: { "@kit/log": "workspace:^" } });
    expect(checkLevels([endpoint, log, transport])).toEqual([
      "@kit/transport (level1): depends on @kit/log (level1), which is at its own level or above",
    ]);
  });

  it("refuses a dependency on a package above, even as a devDependency", () => {
    const low = pkg("@kit/endpoint", "level0", { devDependencies: { "@kit/log": "workspace:*" } });
    expect(checkLevels([low, log])).toEqual(["@kit/endpoint (level0): depends on @kit/log (level1), which is at its own level or above"]);
  });

  it("refuses an import of a package that package.json does not declare", () => {
    const sd = pkg("@kit/sd", "level2", {}, [{ file: "src/lb.ts", specifier: "@kit/endpoint", test: false }]);
    expect(checkLevels([endpoint, sd])).toEqual([
      "@kit/sd: src/lb.ts imports @kit/endpoint, but @kit/endpoint is not in its dependencies or peerDependencies",
    ]);
  });

  it("lets tests import devDependencies, but not source files", () => {
    const facts = pkg("@kit/x", "level2", { devDependencies: { zod: "^4" } }, [
      { file: "src/a.test.ts", specifier: "zod", test: true },
      { file: "src/a.ts", specifier: "zod/mini", test: false },
    ]);
    expect(checkLevels([facts])).toEqual(["@kit/x: src/a.ts imports zod/mini, but zod is not in its dependencies or peerDependencies"]);
  });

  it("counts a declared @types/<name> as declaring <name>, whose types it is", () => {
    const facts = pkg("@kit/x", "level2", { devDependencies: { "@types/aws-lambda": "^8" } }, [
      { file: "test/events.ts", specifier: "aws-lambda", test: true },
      { file: "src/a.ts", specifier: "aws-lambda", test: false },
    ]);
    expect(checkLevels([facts])).toEqual(["@kit/x: src/a.ts imports aws-lambda, but aws-lambda is not in its dependencies or peerDependencies"]);
  });

  it("refuses a package without a level tag and a dependency on an app", () => {
    const untagged = pkg("@kit/y", undefined);
    const app = { ...pkg("addsvc", "app"), dir: "examples/addsvc" };
    const user = pkg("@kit/z", "level2", { dependencies: { addsvc: "workspace:*", "@kit/nope": "1" } });
    const problems = checkLevels([untagged, app, { ...user, manifest: { ...user.manifest, dependencies: { "@kit/nope": "1" } } }]);
    expect(problems).toContain("@kit/y: turbo.json needs one tag of level0, level1, level2, level3, tools, app (found none)");
    expect(problems).toContain("@kit/z: depends on @kit/nope, which is not in the workspace");
  });

  it("lets apps depend on anything published", () => {
    const app = { ...pkg("addsvc", "app", { dependencies: { "@kit/log": "workspace:*", "@kit/endpoint": "workspace:*" } }), dir: "examples/addsvc" };
    expect(checkLevels([endpoint, log, app])).toEqual([]);
  });
});

describe("importsIn", () => {
  it("finds static, type-only, side-effect, re-export and dynamic imports", () => {
    const source = [
      'import { a } from "@kit/endpoint";',
      'import type { B } from "pino";',
      'import "./side.ts";',
      'export { c } from "@kit/transport";',
      'const d = await import("node:fs");',
      "import {\n  e,\n  f,\n} from 'zod';",
    ].join("\n");
    expect(importsIn(source).sort()).toEqual(["./side.ts", "@kit/endpoint", "@kit/transport", "node:fs", "pino", "zod"]);
  });
});

describe("packageOf", () => {
  it("names the package of a bare specifier and ignores relative and built-in ones", () => {
    expect(packageOf("@kit/log/pino")).toBe("@kit/log");
    expect(packageOf("zod/mini")).toBe("zod");
    expect(packageOf("./x.ts")).toBeUndefined();
    expect(packageOf("node:http")).toBeUndefined();
    expect(packageOf("http")).toBeUndefined();
  });
});
