import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: "@kit/metrics",
      // The hot-path test measures the heap after a full collection.
      execArgv: ["--expose-gc"],
      // src/*.test-d.ts prove that a missing or unknown label does not compile.
      typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    },
  }),
);
