// Runs every shell session of README.md from the README's own text, with real curl against the
// real program. Port 8080 becomes a free port, the schema profilesvc_demo a fresh one (dropped
// at the end), and the PostgreSQL URL PG_URL when it is set.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocSession, stepsOf } from "stringsvc/test/support/doc-session.ts";
import { freePort } from "@kit/test-support";
import { pgUrl, testDatabase } from "./support/postgres.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let db: Awaited<ReturnType<typeof testDatabase>>;
const session = new DocSession(root, { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` });

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await session.close();
  await db.drop();
});

describe("README", () => {
  it("runs every session as shown", async () => {
    let text = readFileSync(join(root, "README.md"), "utf8").replaceAll("8080", String(await freePort()));
    text = text.replaceAll("profilesvc_demo", db.schema()).replaceAll("postgres://127.0.0.1:5432/test", pgUrl);
    const steps = stepsOf(text);
    expect(steps.filter((s) => s.kind === "command")).toHaveLength(20);
    for (const step of steps) await session.run(step, 15_000);
  }, 120_000);
});
