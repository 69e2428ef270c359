// Runs every shell session of README.md from the README's own text, with real curl against the
// real programs. The ports in the text are replaced by free ones, and the NATS URL by NATS_URL
// when it is set.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@kit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { DocSession, stepsOf } from "./support/doc-session.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function withFreePorts(text: string): Promise<string> {
  const ports = new Map<string, number>();
  for (const [, port] of text.matchAll(/127\.0\.0\.1:(80\d\d)\b/g)) if (port !== undefined && !ports.has(port)) ports.set(port, await freePort());
  let out = text;
  for (const [from, to] of ports) out = out.replaceAll(`127.0.0.1:${from}`, `127.0.0.1:${String(to)}`);
  return process.env.NATS_URL === undefined ? out : out.replaceAll("nats://127.0.0.1:4222", process.env.NATS_URL);
}

// Go kit's 250 ms for a proxied call's attempts is tight on a loaded test machine; the README's
// commands run as written, with more time through STRINGSVC_MAX_TIME.
const session = new DocSession(root, { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, STRINGSVC_MAX_TIME: "5000" });
afterAll(() => session.close());

describe("README", () => {
  it("runs every session as shown", async () => {
    const steps = stepsOf(await withFreePorts(readFileSync(join(root, "README.md"), "utf8")));
    expect(steps.length).toBe(31);
    for (const step of steps) await session.run(step, 15_000);
  }, 120_000);
});
