// Checks CODEOWNERS against the tree: the default owner comes first, every package directory
// has exactly one line naming at least one owner, every path a line names exists, changeset
// files are owned by nobody (so a package pull request with its changeset needs only that
// package's owners), and each package README's Owners cell names the same owners. Then the
// teams: each has at least two members in MAINTAINERS.md (placeholders allowed, marked), and
// every package.json's repository is this repository, in the teams' GitHub organisation.
//
//   node scripts/check-owners.ts        exits 1 and lists each problem
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkRepositories, checkRoster, isPlaceholder, organisationOf, parseRoster, type RepositoryField } from "./lib/teams.ts";
import { workspacePackages } from "./lib/workspace.ts";

/** One CODEOWNERS rule. */
export interface OwnerRule {
  line: number;
  pattern: string;
  owners: string[];
}

/** The rules of a CODEOWNERS text, comments and blank lines left out. */
export function parseCodeowners(text: string): OwnerRule[] {
  return text.split("\n").flatMap((raw, i) => {
    const content = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!content) return [];
    const [pattern = "", ...owners] = content.split(/\s+/);
    return [{ line: i + 1, pattern, owners }];
  });
}

/** What the check looks at. */
export interface OwnersInput {
  codeowners: string;
  /** Published package directories, such as `packages/log`. */
  packageDirs: string[];
  /** Whether a path relative to the repository root exists. */
  exists: (path: string) => boolean;
  /** The README text of a package directory, or undefined when it has none. */
  readme: (dir: string) => string | undefined;
}

const isGlob = (pattern: string): boolean => /[*?[\]]/.test(pattern);

/** The one pattern that has no owner: pending changesets, reviewed with the package files beside them. */
export const changesetPattern = "/.changeset/*.md";

/** The owners a README's status table names in its Owners column, or undefined without one. */
export function readmeOwners(readme: string): string[] | undefined {
  const lines = readme.split("\n");
  const header = lines.findIndex((l) => /^\|.*\bOwners\b.*\|/.test(l));
  const row = header >= 0 ? lines[header + 2] : undefined;
  if (!row) return undefined;
  const cells = (l: string): string[] => l.split("|").slice(1, -1).map((c) => c.trim());
  const column = cells(lines[header] ?? "").indexOf("Owners");
  const cell = cells(row)[column];
  return cell === undefined ? undefined : cell.split(/[\s,]+/).filter((o) => o.startsWith("@"));
}

/** Every problem with CODEOWNERS; empty when all is well. */
export function checkOwners(input: OwnersInput): string[] {
  const problems: string[] = [];
  const rules = parseCodeowners(input.codeowners);
  if (rules[0]?.pattern !== "*") problems.push("CODEOWNERS: the first rule must be `*` (the default owner), since the last matching rule wins");
  if (!rules.some((r) => r.pattern === changesetPattern && r.owners.length === 0)) {
    problems.push(`CODEOWNERS: add "${changesetPattern}" with no owner, so that a package's pull request with its changeset needs only that package's owners`);
  }
  for (const rule of rules) {
    if (rule.owners.length === 0 && rule.pattern !== changesetPattern) problems.push(`CODEOWNERS:${rule.line}: ${rule.pattern} names no owner`);
    for (const owner of rule.owners) {
      if (!/^@[\w.-]+(?:\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/.test(owner)) problems.push(`CODEOWNERS:${rule.line}: "${owner}" is not a @user, @org/team or email`);
    }
    if (rule.pattern !== "*" && !isGlob(rule.pattern) && !input.exists(rule.pattern.replace(/^\//, "").replace(/\/$/, ""))) {
      problems.push(`CODEOWNERS:${rule.line}: ${rule.pattern} does not exist`);
    }
  }
  for (const dir of input.packageDirs) {
    const lines = rules.filter((r) => r.pattern === `/${dir}/`);
    if (lines.length === 0) problems.push(`CODEOWNERS: ${dir} has no line of its own (add "/${dir}/ @kit/<team>")`);
    if (lines.length > 1) problems.push(`CODEOWNERS: ${dir} has ${lines.length} lines (${lines.map((l) => l.line).join(", ")}); keep one`);
    const rule = lines.at(-1);
    const readme = input.readme(dir);
    if (rule && readme !== undefined) {
      const named = readmeOwners(readme);
      if (named === undefined) problems.push(`${dir}/README.md: no status table with an Owners column`);
      else if (named.join(" ") !== rule.owners.join(" ")) {
        problems.push(`${dir}/README.md: Owners says ${named.join(" ") || "nobody"}, CODEOWNERS says ${rule.owners.join(" ")}`);
      }
    }
  }
  return problems;
}

/** The repository's name on GitHub; its organisation is the CODEOWNERS teams'. */
export const repositoryName = "kit";

/** Every `@org/team` CODEOWNERS names. */
export function teamsOf(codeowners: string): Set<string> {
  return new Set(parseCodeowners(codeowners).flatMap((r) => r.owners.filter((o) => /^@[\w.-]+\/[\w.-]+$/.test(o))));
}

/** The problems with the teams: their roster, their one organisation, and the packages' repository. */
export function checkTeams(codeowners: string, maintainers: string, repositories: Map<string, RepositoryField | string | undefined>): string[] {
  const teams = teamsOf(codeowners);
  const org = organisationOf(teams);
  const problems = checkRoster(teams, parseRoster(maintainers));
  if (org === undefined) problems.push(`CODEOWNERS: the teams (${[...teams].join(", ")}) must all be of one GitHub organisation`);
  else problems.push(...checkRepositories(org, repositoryName, repositories));
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const published = workspacePackages(root).filter((p) => p.dir.startsWith("packages/") && p.manifest.private !== true);
  const packageDirs = published.map((p) => p.dir);
  const codeowners = readFileSync(join(root, "CODEOWNERS"), "utf8");
  const maintainers = existsSync(join(root, "MAINTAINERS.md")) ? readFileSync(join(root, "MAINTAINERS.md"), "utf8") : "";
  const repositories = new Map(published.map((p) => [p.dir, (p.manifest as { repository?: RepositoryField | string }).repository]));
  const problems = [
    ...checkOwners({
      codeowners,
      packageDirs,
      exists: (path) => existsSync(join(root, path)),
      readme: (dir) => (existsSync(join(root, dir, "README.md")) ? readFileSync(join(root, dir, "README.md"), "utf8") : undefined),
    }),
    ...checkTeams(codeowners, maintainers, repositories),
  ];
  if (problems.length > 0) {
    console.error(`check-owners: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  const roster = parseRoster(maintainers);
  const seats = roster.flatMap((t) => t.members);
  const open = seats.filter(isPlaceholder).length;
  console.log(`check-owners: ${packageDirs.length} packages, each with its owners; ${roster.length} teams, ${seats.length} seats (${open} still placeholders)`);
}
