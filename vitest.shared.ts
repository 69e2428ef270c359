import { defineConfig } from "vitest/config";

/**
 * Defaults every package's vitest config merges in. Each run also writes a JSON report, which
 * `scripts/run-tests.ts` sums into the closing `N passed, N failed` line.
 */
export default defineConfig({
  test: {
    restoreMocks: true,
    clearMocks: true,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
  },
});
