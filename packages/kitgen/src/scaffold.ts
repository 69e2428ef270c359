import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { KitgenError } from "./diagnostic.ts";
import { generate } from "./generate.ts";
import { kitRange } from "./kit-versions.ts";
import { mainFile, packageFile, readmeFile, scaffoldNames, scaffoldTransports, serviceFile, testFile, tsconfigFile } from "./scaffold-files.ts";
import { writeGenerated } from "./write.ts";

/** Options for {@link scaffold}. */
export interface ScaffoldOptions {
  /** The folder to create the package in; default `./<name>`. */
  readonly dir: string | undefined;
  /**
   * The version range of the `@kit/*` packages (default: from the version kitgen was released
   * with of each, below 1: `>=0.3.0 <1` for a package released at 0.3.0), or `link:<folder>` to link each to
   * `<folder>/<name without @kit/>` (inside the Kit repository).
   */
  readonly kitVersion: string | undefined;
}

/**
 * Scaffolds a runnable service package: `src/service.ts` (an interface and its stub
 * implementation), the generated code, `src/main.ts` (HTTP, and NATS when `NATS_URL` is
 * set), a test on the in-memory transport, a README and a package.json with only the packages
 * it uses. Returns the folder it created; refuses a folder that exists and is not empty.
 *
 * @param name - the package's name, kebab-case (`greeter`, `order-service`)
 * @param options - where, and which `@kit/*` versions
 */
export function scaffold(name: string, options: ScaffoldOptions): string {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) throw new KitgenError(`kitgen: new: the name must be kebab-case, such as "greeter" or "order-service", got ${JSON.stringify(name)}`);
  const dir = resolvePath(options.dir ?? name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new KitgenError(`kitgen: new: ${dir} exists and is not empty`);
  const range = options.kitVersion;
  const kit = (pkg: string): string => (range === undefined ? kitRange(pkg) : range.startsWith("link:") ? `link:${join(range.slice("link:".length), pkg)}` : range);
  const n = scaffoldNames(name);
  const files: Record<string, string> = {
    "tsconfig.json": tsconfigFile(),
    "README.md": readmeFile(n),
    "src/service.ts": serviceFile(n),
    "src/main.ts": mainFile(n),
    "test/service.test.ts": testFile(n),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const generated = writeGenerated(generate({ file: join(dir, "src/service.ts"), transports: scaffoldTransports }));
  writeFileSync(join(dir, "package.json"), packageFile(n, kit, kit("kitgen"), generated));
  return dir;
}
