import { readFileSync } from "node:fs";

/** What kitgen's own `package.json` says of versions. */
export interface KitgenManifest {
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** kitgen's own `package.json`. */
export function kitgenManifest(): KitgenManifest {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as KitgenManifest;
}

/** The range a scaffold gives a `@kit/*` package whose version kitgen does not know. */
export const defaultKitRange = ">=0.1.0 <1";

/**
 * The version range a scaffolded package gives `@kit/<pkg>` (`pkg` without `@kit/`; `kitgen`
 * is kitgen itself): at least the version kitgen was released with, since the code it generates
 * imports what that version exports, and below 1 (`^` from 1.0.0 on). A released kitgen lists
 * every `@kit/*` package its generated code imports among its development dependencies, each as
 * the exact version it was packed with; in the Kit repository they are `workspace:*`, and the
 * range is {@link defaultKitRange}.
 *
 * @param pkg - the package's name without `@kit/`
 * @param manifest - kitgen's `package.json`
 */
export function kitRange(pkg: string, manifest: KitgenManifest = kitgenManifest()): string {
  const version = pkg === "kitgen" ? manifest.version : manifest.devDependencies?.[`@kit/${pkg}`];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version) || version === "0.0.0") return defaultKitRange;
  return version.startsWith("0.") ? `>=${version} <1` : `^${version}`;
}
