import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readmeExample, runReadmeExample, runReadmeExampleAsync } from "./readme.ts";

const dir = mkdtempSync(join(tmpdir(), "readme-lib-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const fence = "```";
const readme = join(dir, "README.md");
writeFileSync(
  readme,
  `# pkg

${fence}sh
echo not this
${fence}

${fence}ts
const n: number = 2;
console.log(n + 1); // 3
${fence}

## Later

${fence}ts
console.log(n * 2, new Date().toISOString()); // 4 …Z
process.stdout.write("from a stream\\n");
// → from a stream
console.log(import.meta.filename.endsWith("main.ts"), process.env.GREETING); // true hi
${fence}
`,
);

describe("readmeExample", () => {
  it("takes one ts block, counted after a heading, or several joined in order", () => {
    expect(readmeExample(readme)).toBe("const n: number = 2;\nconsole.log(n + 1); // 3\n");
    expect(readmeExample(readme, { heading: "## Later" })).toMatch(/^console\.log\(n \* 2/);
    expect(readmeExample(readme, { blocks: [0, 1] })).toMatch(/^const n[\s\S]*\/\/ 3\nconsole\.log\(n \* 2/);
    expect(() => readmeExample(readme, { index: 2 })).toThrow(/no ts block 2/);
    expect(() => readmeExample(readme, { heading: "## Nowhere" })).toThrow(/no heading ## Nowhere/);
  });
});

describe("runReadmeExample", () => {
  it("runs the joined blocks and reads console.log comments, → lines and … elisions", () => {
    const run = runReadmeExample(readme, { blocks: [0, 1], file: "main.ts", env: { GREETING: "hi" } });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toEqual(["3", "4 …Z", "from a stream", "true hi"]);
    expect(run.printed).toEqual(run.expected);
  });

  it("shows a line that does not match its elided expectation as printed", () => {
    const run = runReadmeExample(readme, { blocks: [0, 1] }); // not main.ts, no GREETING
    expect(run.printed).toEqual(["3", "4 …Z", "from a stream", "false undefined"]);
  });

  it("reports a block that cannot run alone, and leaves no file behind", async () => {
    const alone = runReadmeExample(readme, { heading: "## Later" });
    expect(alone.status).not.toBe(0);
    expect(alone.stderr).toMatch(/ReferenceError: n is not defined/);
    expect((await runReadmeExampleAsync(readme, { blocks: [0, 1], file: "main.ts", env: { GREETING: "hi" } })).printed).toEqual([
      "3",
      "4 …Z",
      "from a stream",
      "true hi",
    ]);
    expect(readdirSync(dir)).toEqual(["README.md"]);
  });
});
