import { describe, expect, it } from "vitest";
import { checkRepositories, checkRoster, organisationOf, parseRoster } from "./teams.ts";

const roster = `# Maintainers

## @kit/maintainers

Some prose.

- @alice (Alice)
- (placeholder) core maintainer, seat 2

## @kit/log-owners

- @bob
`;

describe("parseRoster", () => {
  it("reads each team's heading and the list under it, prose left out", () => {
    expect(parseRoster(roster)).toEqual([
      { name: "@kit/maintainers", members: ["@alice (Alice)", "(placeholder) core maintainer, seat 2"] },
      { name: "@kit/log-owners", members: ["@bob"] },
    ]);
  });
});

describe("checkRoster", () => {
  it("accepts two members, placeholders counted", () => {
    expect(checkRoster(new Set(["@kit/maintainers"]), parseRoster(roster).slice(0, 1))).toEqual([]);
  });

  it("names a team with one member, a team with no section, a stale section and an unmarked name", () => {
    const problems = checkRoster(new Set(["@kit/log-owners", "@kit/sd-owners"]), parseRoster(`${roster}- Carol\n## @kit/gone\n- @x\n- @y\n`));
    expect(problems).toEqual([
      'MAINTAINERS.md: @kit/log-owners: "Carol" is neither a @github-handle nor marked (placeholder)',
      'MAINTAINERS.md: no "## @kit/sd-owners" section (CODEOWNERS names the team)',
      "MAINTAINERS.md: @kit/maintainers is not named in CODEOWNERS; remove it or give it a path",
      "MAINTAINERS.md: @kit/gone is not named in CODEOWNERS; remove it or give it a path",
    ]);
    expect(checkRoster(new Set(["@kit/log-owners"]), parseRoster("## @kit/log-owners\n- @bob\n"))).toEqual([
      "MAINTAINERS.md: @kit/log-owners has 1 member(s); a team needs at least two (mark an open seat \"(placeholder)\")",
    ]);
  });
});

describe("organisationOf", () => {
  it("is the teams' one organisation, or undefined when they disagree", () => {
    expect(organisationOf(new Set(["@kit/a", "@kit/b"]))).toBe("kit");
    expect(organisationOf(new Set(["@kit/a", "@kit-ts/b"]))).toBeUndefined();
  });
});

describe("checkRepositories", () => {
  it("wants this repository in the teams' organisation, with the package's own directory", () => {
    const good = { type: "git", url: "git+https://github.com/kit/kit.git", directory: "packages/log" };
    expect(checkRepositories("kit", "kit", new Map([["packages/log", good]]))).toEqual([]);
    const problems = checkRepositories("kit", "kit", new Map([["packages/sd", { ...good, url: "git+https://github.com/kit-ts/kit.git" }]]));
    expect(problems).toEqual([
      "packages/sd/package.json: repository.url is git+https://github.com/kit-ts/kit.git; CODEOWNERS' teams are in kit, so it must be git+https://github.com/kit/kit.git",
      "packages/sd/package.json: repository.directory is packages/log, not packages/sd",
    ]);
  });
});
