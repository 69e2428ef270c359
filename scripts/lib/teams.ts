// The teams CODEOWNERS names, their members in MAINTAINERS.md, and the repository every
// package.json points at: the three must agree (check-owners runs these).

/** One team's section of MAINTAINERS.md. */
export interface Team {
  /** `@org/team` */
  name: string;
  /** Member lines, such as `@alice (Alice Liddell)` or `(placeholder) seat open`. */
  members: string[];
}

/** Reads MAINTAINERS.md: each `## @org/team` heading, and the `- ` lines under it. */
export function parseRoster(text: string): Team[] {
  const teams: Team[] = [];
  for (const line of text.split("\n")) {
    const heading = /^##\s+(@\S+)\s*$/.exec(line);
    if (heading?.[1] !== undefined) teams.push({ name: heading[1], members: [] });
    else if (/^\s*[-*]\s+\S/.test(line)) teams.at(-1)?.members.push(line.replace(/^\s*[-*]\s+/, "").trim());
  }
  return teams;
}

/** Whether a roster line is a seat nobody holds yet, marked `(placeholder)`. */
export const isPlaceholder = (member: string): boolean => member.includes("(placeholder)");

/** Problems with the roster of `teams` (every `@org/team` CODEOWNERS names); empty when all is well. */
export function checkRoster(teams: Set<string>, roster: Team[]): string[] {
  const problems: string[] = [];
  const byName = new Map(roster.map((t) => [t.name, t]));
  for (const team of [...teams].sort()) {
    const entry = byName.get(team);
    if (!entry) {
      problems.push(`MAINTAINERS.md: no "## ${team}" section (CODEOWNERS names the team)`);
      continue;
    }
    if (entry.members.length < 2) problems.push(`MAINTAINERS.md: ${team} has ${entry.members.length} member(s); a team needs at least two (mark an open seat "(placeholder)")`);
    for (const member of entry.members) {
      if (!isPlaceholder(member) && !/^@[\w-]+\b/.test(member)) problems.push(`MAINTAINERS.md: ${team}: "${member}" is neither a @github-handle nor marked (placeholder)`);
    }
  }
  for (const t of roster) if (!teams.has(t.name)) problems.push(`MAINTAINERS.md: ${t.name} is not named in CODEOWNERS; remove it or give it a path`);
  return problems;
}

/** The GitHub organisation of `@org/team` names, or undefined when they disagree or there are none. */
export function organisationOf(teams: Set<string>): string | undefined {
  const orgs = new Set([...teams].map((t) => /^@([\w.-]+)\//.exec(t)?.[1]));
  const [org] = orgs;
  return orgs.size === 1 && org !== undefined ? org : undefined;
}

/** A package.json `repository` field. */
export interface RepositoryField {
  type?: string;
  url?: string;
  directory?: string;
}

/** Problems with each package's `repository` (by package directory): this repository, in `org`, with its own directory. */
export function checkRepositories(org: string, repo: string, repositories: Map<string, RepositoryField | string | undefined>): string[] {
  const url = `git+https://github.com/${org}/${repo}.git`;
  const problems: string[] = [];
  for (const [dir, field] of repositories) {
    const r = typeof field === "string" ? { url: field } : field;
    if (r?.url !== url) problems.push(`${dir}/package.json: repository.url is ${r?.url ?? "missing"}; CODEOWNERS' teams are in ${org}, so it must be ${url}`);
    if (r?.directory !== dir) problems.push(`${dir}/package.json: repository.directory is ${r?.directory ?? "missing"}, not ${dir}`);
  }
  return problems;
}
