// One flat config for the whole tree; each package runs `eslint .` from its own directory.
import js from "@eslint/js";
import vitest from "@vitest/eslint-plugin";
import { defineConfig } from "eslint/config";
import node from "eslint-plugin-n";
import tsdoc from "eslint-plugin-tsdoc";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["**/dist/**", "**/coverage/**", "docs/api/**", "**/.tools/**", "**/node_modules/**"] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  node.configs["flat/recommended-module"],
  {
    languageOptions: { parserOptions: { projectService: true } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { tsdoc },
    settings: { node: { version: ">=22.12.0" } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/consistent-type-exports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@kit/*/src/*", "@kit/*/dist/*", "@kit/*/internal/*"], message: "Import only what the package exports." },
            { group: ["**/index.ts", "./index.js"], message: "Import the file, not the barrel." },
          ],
        },
      ],
      "max-params": ["error", 4],
      "no-restricted-syntax": [
        "error",
        { selector: "TSEnumDeclaration", message: "Use an `as const` object (erasableSyntaxOnly)." },
        { selector: "ExportAllDeclaration", message: "Export names explicitly." },
      ],
      "n/prefer-node-protocol": "error",
      "n/no-missing-import": "off", // TypeScript resolves imports; the rule does not know `.ts` rewriting
      "n/no-unpublished-import": "off", // devDependencies in tests and configs are fine; check-levels guards src
      "n/no-extraneous-import": "off", // scripts/check-levels.ts checks declared dependencies
      "no-console": "error",
      "tsdoc/syntax": "error",
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**"],
    plugins: { vitest },
    rules: { ...vitest.configs.recommended.rules, "@typescript-eslint/no-non-null-assertion": "off" },
  },
  { files: ["examples/**", "bench/**", "scripts/**", "**/test/**"], rules: { "no-console": "off", "n/no-process-exit": "off" } },
  { files: ["**/*.js"], extends: [tseslint.configs.disableTypeChecked] },
);
