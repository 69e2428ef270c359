// The main entry must type-check in a user's project without the optional peers: nothing it
// reaches may import @nats-io/jetstream or @nats-io/services, even for types (their
// declarations would name a module the user does not have). JetStream and NATS services live
// behind their own subpaths. scripts/release.test.ts checks the same on the published package.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const optionalPeers = ["@nats-io/jetstream", "@nats-io/services"];

/** Every package a source file imports, and every source file it reaches, from `entry`. */
function reach(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [join(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop() ?? "";
    if (files.includes(file)) continue;
    files.push(file);
    for (const [, specifier = ""] of readFileSync(file, "utf8").matchAll(/\bfrom\s+["']([^"']+)["']/g)) {
      if (specifier.startsWith(".")) pending.push(join(dirname(file), specifier));
      else packages.add(specifier.split("/").slice(0, 2).join("/"));
    }
  }
  return { files, packages };
}

describe("entry points", () => {
  it("keeps the optional peers out of everything the main entry reaches", () => {
    const { files, packages } = reach("src/index.ts");
    expect(files.length).toBeGreaterThan(3);
    expect(optionalPeers.filter((p) => packages.has(p))).toEqual([]);
  });

  it("puts JetStream behind @kit/transport-nats/jetstream and NATS services behind /services", () => {
    expect(reach("src/jetstream.ts").packages).toContain("@nats-io/jetstream");
    expect(reach("src/services.ts").packages).toContain("@nats-io/services");
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };
    expect(manifest.exports["./jetstream"]).toEqual({ types: "./dist/jetstream.d.ts", default: "./dist/jetstream.js" });
    expect(manifest.exports["./services"]).toEqual({ types: "./dist/services.d.ts", default: "./dist/services.js" });
  });
});
