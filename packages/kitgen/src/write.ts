import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { generatedMarker } from "./emit/header.ts";
import type { Generated } from "./generate.ts";

/** Files in `out` that kitgen wrote earlier (they start with its header) but would not write now. */
function leftovers(generated: Generated): string[] {
  if (!existsSync(generated.out)) return [];
  return readdirSync(generated.out)
    .filter((name) => (name.endsWith(".ts") || name.endsWith(".proto")) && !generated.files.has(name))
    .filter((name) => readFileSync(join(generated.out, name), "utf8").startsWith(generatedMarker))
    .sort();
}

/**
 * Writes the generated files atomically: all of them go to a temporary folder beside `out`
 * first, and only once every one is written are they renamed into place (a rename replaces a
 * file in one step), so a failed run leaves the previous files as they were. Files kitgen
 * wrote before that it no longer writes are removed. Returns the names written.
 *
 * @param generated - what {@link generate} made
 */
export function writeGenerated(generated: Generated): string[] {
  const parent = dirname(generated.out);
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `.${basename(generated.out)}.kitgen-`));
  try {
    for (const [name, text] of generated.files) writeFileSync(join(temp, name), text);
    mkdirSync(generated.out, { recursive: true });
    const stale = leftovers(generated);
    for (const name of generated.files.keys()) renameSync(join(temp, name), join(generated.out, name));
    for (const name of stale) unlinkSync(join(generated.out, name));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return [...generated.files.keys()];
}

/**
 * The files that are not what `gen` would write now: changed, missing, or left over from an
 * earlier run. Empty when the generated code is up to date.
 *
 * @param generated - what {@link generate} made
 */
export function staleFiles(generated: Generated): string[] {
  const stale: string[] = [];
  for (const [name, text] of generated.files) {
    const path = join(generated.out, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(name);
  }
  return [...stale, ...leftovers(generated)].map((name) => join(generated.out, name));
}
