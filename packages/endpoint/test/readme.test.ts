// Runs the README's examples as they are written there: each block is copied out of README.md
// into a module beside this file, imported, and what it prints is checked.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first TypeScript code block after `heading` in the README. */
function blockAfter(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`the README has no heading "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (match?.[1] === undefined) throw new Error(`no ts block after "${heading}"`);
  return match[1];
}

/** Runs a README block as a module, returning what it logged. */
async function run(code: string): Promise<unknown[][]> {
  const file = fileURLToPath(new URL(`./readme-${randomUUID()}.tmp.ts`, import.meta.url));
  writeFileSync(file, code);
  const logged: unknown[][] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
  return logged;
}

describe("README", () => {
  it("Example: sums under a deadline through a middleware that times the call", async () => {
    const logged = await run(blockAfter("## Example"));
    expect(logged.map((line) => line[0])).toEqual(["took", 3]);
  });

  it("withoutCancel: the event's context outlives the request's and keeps its values", async () => {
    expect(await run(blockAfter("### Work that outlives the request: `withoutCancel`"))).toEqual([[true, false, "r-1"]]);
  });
});
