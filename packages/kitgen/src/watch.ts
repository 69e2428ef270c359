import { watch, type FSWatcher } from "node:fs";
import { dirname, relative, resolve as resolvePath, sep } from "node:path";
import { KitgenError } from "./diagnostic.ts";
import { generate, outDir, type GenerateOptions } from "./generate.ts";
import type { Io } from "./io.ts";
import { writeGenerated } from "./write.ts";

/** A running `kitgen gen --watch`. */
export interface Watcher {
  /** Stops watching. */
  close(): void;
}

/** Runs `gen` once, reporting a problem on `io.err` instead of throwing it. */
function genOnce(options: GenerateOptions, io: Io): void {
  try {
    const written = writeGenerated(generate(options));
    io.out(`wrote ${written.join(", ")}\n`);
  } catch (err) {
    if (!(err instanceof KitgenError)) throw err;
    io.err(`${err.message}\n`);
  }
}

/**
 * `kitgen gen --watch`: generates now, then again whenever a `.ts` file in the input's folder
 * (or below it) changes, outside the output folder, 100 ms after the last change. A run that
 * fails prints its errors and leaves the previous files as they were; watching goes on.
 *
 * @param options - what `gen` takes
 * @param io - where output goes
 */
export function watchGen(options: GenerateOptions, io: Io): Watcher {
  const root = dirname(resolvePath(options.file));
  const out = outDir(options);
  genOnce(options, io);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, name) => {
    if (name === null) return;
    const path = resolvePath(root, name);
    if (!path.endsWith(".ts")) return;
    const inOut = !relative(out, path).startsWith("..");
    if (inOut || path.split(sep).some((part) => part.includes(".kitgen-"))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      genOnce(options, io);
    }, 100);
  });
  io.out(`watching ${root} (Ctrl-C to stop)\n`);
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
