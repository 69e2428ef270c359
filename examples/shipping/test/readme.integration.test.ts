// Runs every shell session of README.md from the README's own text, with real curl against the
// real programs. Ports 8080 and 7878 become free ports.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DocSession, stepsOf } from "stringsvc/test/support/doc-session.ts";
import { freePort } from "@kit/test-support";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const session = new DocSession(root, { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` });
afterAll(() => session.close());

describe("README", () => {
  it("runs every session as shown", async () => {
    let text = readFileSync(join(root, "README.md"), "utf8");
    text = text.replaceAll("8080", String(await freePort())).replaceAll("7878", String(await freePort()));
    const steps = stepsOf(text);
    expect(steps).toHaveLength(17);
    for (const step of steps) await session.run(step, 15_000);
  }, 120_000);
});
