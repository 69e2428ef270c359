import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: "@kit/metrics-otel",
      // The hot-path test measures the heap after a full collection.
      execArgv: ["--expose-gc"],
    },
  }),
);
