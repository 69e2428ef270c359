import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({ test: { name: "scripts", root: fileRoot(), include: ["**/*.test.ts"], outputFile: { json: ".vitest-report.json" } } }),
);

function fileRoot(): string {
  return new URL(".", import.meta.url).pathname;
}
