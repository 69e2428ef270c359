import { KitgenError } from "./diagnostic.ts";

/** Options for {@link scaffold}. */
export interface ScaffoldOptions {
  /** The folder to create the package in; default `./<name>`. */
  readonly dir: string | undefined;
  /** The version range of the `@kit/*` packages, or `link:<packages folder>` inside the Kit repository. */
  readonly kitVersion: string | undefined;
}

/**
 * Scaffolds a runnable service package. Returns the folder it created.
 *
 * @param name - the service's name
 * @param options - where, and which `@kit/*` versions
 */
export function scaffold(name: string, options: ScaffoldOptions): string {
  throw new KitgenError(`kitgen: new ${name} (in ${options.dir ?? name}): not implemented yet`);
}
