// The `@kit/*` ranges `kitgen new` writes: a released kitgen requires at least the versions it
// was released with (its generated code imports what they export), so an older @kit/transport
// never meets newer generated code.
import { describe, expect, it } from "vitest";
import { defaultKitRange, kitgenManifest, kitRange } from "../src/kit-versions.ts";

const released = { version: "0.4.0", devDependencies: { "@kit/transport": "0.3.0", "@kit/endpoint": "1.2.0", typescript: "~6.0.3" } };

describe("kitRange", () => {
  it("is at least the version a released kitgen was packed with, below 1", () => {
    expect(kitRange("transport", released)).toBe(">=0.3.0 <1");
    expect(kitRange("kitgen", released)).toBe(">=0.4.0 <1");
  });

  it("is ^ of it from 1.0.0 on", () => {
    expect(kitRange("endpoint", released)).toBe("^1.2.0");
  });

  it("is the default for a package kitgen does not list, and in the repository (workspace:*)", () => {
    expect(kitRange("sd-etcd", released)).toBe(defaultKitRange);
    expect(kitRange("transport", { version: "0.0.0", devDependencies: { "@kit/transport": "workspace:*" } })).toBe(defaultKitRange);
    expect(kitRange("kitgen", { version: "0.0.0" })).toBe(defaultKitRange);
  });

  it("reads kitgen's own package.json, which lists every @kit/* package a scaffold depends on", () => {
    const manifest = kitgenManifest();
    for (const pkg of ["endpoint", "log", "metrics", "transport", "transport-http", "transport-memory", "transport-nats", "transport-grpc"]) {
      expect(manifest.devDependencies).toHaveProperty(`@kit/${pkg}`);
    }
  });
});
