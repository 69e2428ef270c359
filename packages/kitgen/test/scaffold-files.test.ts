// The package.json `kitgen new` writes lists what the generated code imports: with a protobuf
// codec (`.pb.ts`) among the generated files, @kit/transport-grpc (whose `/protobuf` subpath
// the codec imports) and grpc-js; without one, neither.
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
