// kitgen gen --watch: regenerates when the interface changes; a bad change prints its error
// and leaves the previous files as they were.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchGen, type Watcher } from "../src/watch.ts";
import { inventoryFile } from "./support/paths.ts";

let watcher: Watcher | undefined;
let dir = "";
afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("kitgen gen --watch", () => {
  it("regenerates on a change, and keeps the previous files on a bad one", async () => {
    dir = mkdtempSync(join(tmpdir(), "kitgen-watch-"));
    cpSync(join(inventoryFile, ".."), dir, { recursive: true, filter: (src) => !src.includes("generated") });
    let out = "";
    let err = "";
    watcher = watchGen({ file: join(dir, "service.ts") }, { out: (t) => (out += t), err: (t) => (err += t) });
    expect(out).toContain("wrote inventory.endpoints.ts");
    const endpoints = join(dir, "generated", "inventory.endpoints.ts");
    const source = readFileSync(join(dir, "service.ts"), "utf8");
    writeFileSync(join(dir, "service.ts"), source.replace("  /** An event: a sale happened. */", "  ping(ctx: Context): Promise<string>;\n  /** An event: a sale happened. */"));
    await expect.poll(() => readFileSync(endpoints, "utf8"), { timeout: 20_000, interval: 200 }).toContain("PingRequest");
    const good = readFileSync(endpoints, "utf8");
    writeFileSync(join(dir, "service.ts"), source.replace("  /** An event: a sale happened. */", "  ping(): Promise<string>;\n  /** An event: a sale happened. */"));
    await expect.poll(() => err, { timeout: 20_000, interval: 200 }).toMatch(/service\.ts:\d+:\d+: ping: the first parameter must be ctx: Context/);
    expect(readFileSync(endpoints, "utf8")).toBe(good);
  }, 60_000);
});
