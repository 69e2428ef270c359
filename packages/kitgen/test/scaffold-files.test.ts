// The package.json `kitgen new` writes lists what the generated code imports: with a protobuf
// codec (`.pb.ts`) among the generated files, @kit/transport-grpc (whose `/protobuf` subpath
// the codec imports) and grpc-js; without one, neither. It tells npm, pnpm and yarn alike to give
// @nats-io/services the released nats-core.
import { describe, expect, it } from "vitest";
import { packageFile, scaffoldNames } from "../src/scaffold-files.ts";

const kit = (pkg: string): string => `link:../${pkg}`;

function dependencies(generatedFiles: readonly string[]): Record<string, string> {
  const manifest = JSON.parse(packageFile(scaffoldNames("greeter"), kit, "^0.1.0", generatedFiles)) as { dependencies: Record<string, string> };
  return manifest.dependencies;
}

describe("the scaffolded package.json", () => {
  const withoutGrpc = dependencies(["greeter.endpoints.ts", "greeter.http.ts", "greeter.nats.ts", "greeter.memory.ts"]);
  const withGrpc = dependencies(["greeter.endpoints.ts", "greeter.proto", "greeter.pb.ts", "greeter.grpc.ts"]);

  it("depends on @kit/transport-grpc and grpc-js when a .pb.ts is generated, besides what it needs anyway", () => {
    expect(withGrpc).toEqual({ ...withoutGrpc, "@grpc/grpc-js": expect.stringMatching(/^\^1\./) as unknown, "@kit/transport-grpc": "link:../transport-grpc" });
    expect(Object.keys(withGrpc)).toEqual(Object.keys(withGrpc).sort()); // in name order, as pnpm writes them
  });

  it("depends on neither without generated gRPC code", () => {
    expect(Object.keys(withoutGrpc)).not.toContain("@kit/transport-grpc");
    expect(Object.keys(withoutGrpc)).not.toContain("@grpc/grpc-js");
    expect(withoutGrpc).toHaveProperty("@kit/transport-http", "link:../transport-http");
  });
});

describe("the nats-core pin for @nats-io/services", () => {
  const manifest = JSON.parse(packageFile(scaffoldNames("greeter"), kit, "^0.1.0", [])) as Record<string, unknown>;
  const pins = {
    npm: manifest.overrides,
    pnpm: (manifest.pnpm as { overrides?: unknown } | undefined)?.overrides,
    yarn: manifest.resolutions,
  };

  it("is given to npm (overrides), pnpm (pnpm.overrides) and yarn (resolutions), each in its own syntax", () => {
    expect(pins).toEqual({
      npm: { "@nats-io/services": { "@nats-io/nats-core": "^3.4.0" } },
      pnpm: { "@nats-io/services>@nats-io/nats-core": "^3.4.0" },
      yarn: { "@nats-io/nats-core": "^3.4.0" }, // for every nats-core: pnpm reads resolutions too, and rejects yarn's "parent/child" keys
    });
  });

  it("pins the nats-core that @nats-io/transport-node is given", () => {
    const { dependencies } = manifest as { dependencies: Record<string, string> };
    expect(dependencies["@nats-io/transport-node"]).toBe("^3.4.0");
  });
});
