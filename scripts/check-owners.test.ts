import { describe, expect, it } from "vitest";
import { checkOwners, parseCodeowners, readmeOwners } from "./check-owners.ts";

const tree = new Set(["packages/log", "packages/endpoint", "governance.md"]);
const readme = (owners: string): string =>
  `# @kit/x\n\n| Status | Owners | Node |\n|---|---|---|\n| experimental (0.x) | ${owners} | >=22.12 |\n`;

function input(codeowners: string, readmes: Record<string, string> = {}) {
  return {
    codeowners,
    packageDirs: ["packages/endpoint", "packages/log"],
    exists: (path: string) => tree.has(path),
    readme: (dir: string) => readmes[dir],
  };
}

const good = "* @kit/maintainers\n/governance.md @kit/maintainers\n/packages/endpoint/ @kit/maintainers\n/packages/log/ @kit/log-owners\n/.changeset/*.md\n";

describe("checkOwners", () => {
  it("accepts a file with the default first and one line per package", () => {
    expect(checkOwners(input(good, { "packages/log": readme("@kit/log-owners") }))).toEqual([]);
  });

  it("fails when a package has no line", () => {
    expect(checkOwners(input("* @kit/maintainers\n/packages/endpoint/ @kit/maintainers\n/.changeset/*.md\n"))).toEqual([
      'CODEOWNERS: packages/log has no line of its own (add "/packages/log/ @kit/<team>")',
    ]);
  });

  it("fails when a line names a directory that does not exist", () => {
    expect(checkOwners(input(`${good}/packages/gone/ @kit/gone-owners\n`))).toEqual(["CODEOWNERS:6: /packages/gone/ does not exist"]);
  });

  it("fails when the default owner is not first, or a line names no owner", () => {
    const problems = checkOwners(input("/packages/endpoint/ @kit/maintainers\n* @kit/maintainers\n/packages/log/\n/.changeset/*.md\n"));
    expect(problems).toContain("CODEOWNERS: the first rule must be `*` (the default owner), since the last matching rule wins");
    expect(problems).toContain("CODEOWNERS:3: /packages/log/ names no owner");
  });

  it("fails when a package has two lines, or its README names other owners", () => {
    const problems = checkOwners(input(`${good}/packages/log/ @kit/other\n`, { "packages/log": readme("@kit/log-owners") }));
    expect(problems).toEqual([
      "CODEOWNERS: packages/log has 2 lines (4, 6); keep one",
      "packages/log/README.md: Owners says @kit/log-owners, CODEOWNERS says @kit/other",
    ]);
  });

  it("fails when changeset files have an owner, so every package pull request would need that owner too", () => {
    const problems = checkOwners(input(good.replace("/.changeset/*.md\n", "")));
    expect(problems).toEqual([expect.stringContaining('add "/.changeset/*.md" with no owner')]);
  });
});

describe("parseCodeowners", () => {
  it("skips comments and blank lines and keeps line numbers", () => {
    expect(parseCodeowners("# header\n\n*   @a/b  # trailing\n/x/ @c @d\n")).toEqual([
      { line: 3, pattern: "*", owners: ["@a/b"] },
      { line: 4, pattern: "/x/", owners: ["@c", "@d"] },
    ]);
  });
});

describe("readmeOwners", () => {
  it("reads the Owners column of the status table", () => {
    expect(readmeOwners(readme("@kit/a, @kit/b"))).toEqual(["@kit/a", "@kit/b"]);
    expect(readmeOwners("# no table\n")).toBeUndefined();
  });
});
