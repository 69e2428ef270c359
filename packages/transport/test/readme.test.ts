// Runs the README's examples as they are written there: each block is copied out of README.md
// into a module beside this file, imported, and what it prints is checked.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first TypeScript code block after `heading` in the README. */
function blockAfter(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`the README has no heading "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (match?.[1] === undefined) throw new Error(`no ts block after "${heading}"`);
  return match[1];
}

/** Runs a README block as a module, returning what it logged and wrote to stderr. */
async function run(code: string): Promise<{ logged: unknown[][]; stderr: string[]; stdout: string[] }> {
  const file = fileURLToPath(new URL(`./readme-${randomUUID()}.tmp.ts`, import.meta.url));
  writeFileSync(file, code);
  const logged: unknown[][] = [];
  const stderr: string[] = [];
  const stdout: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
  const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0);
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    log.mockRestore();
    write.mockRestore();
    out.mockRestore();
    rmSync(file, { force: true });
  }
  return { logged, stderr, stdout };
}

describe("README", () => {
  it("Example: prints the status, code and message each caller gets, and the real text on stderr", async () => {
    const { logged, stderr } = await run(blockAfter("## Example"));
    expect(logged).toEqual([
      [400, "invalid_argument", "b: Invalid input: expected number, received string"],
      [404, "not_found", "no such order"],
      [500, "internal", "internal error"],
    ]);
    expect(stderr.at(-1)).toBe("kit: internal: connection to db-3 refused (no errorHandler was given; pass one to handle errors)\n");
  });

  it("Checkers: gives back the checked value and names each bad field's path", async () => {
    const { logged } = await run(blockAfter("## Checkers: `@kit/transport/checks`"));
    expect(logged).toEqual([
      [{ customer: "ann", items: [{ quantity: 2 }] }],
      ["customer: required; items[1].quantity: expected at least 1; items[2].quantity: expected an integer"],
    ]);
  });

  it("Writing a driver: acknowledges what the endpoint handled and dead-letters the rest", async () => {
    const { logged } = await run(blockAfter("### Writing a driver"));
    expect(logged).toEqual([[['ack {"n":1}', "dead letter: invalid_argument", "dead letter: out_of_range"]]]);
  });

  it("Request/reply: a reply handed over by correlation id, and no reply bounded by the timeout", async () => {
    const { logged } = await run(blockAfter("## Request/reply: one wait for every requester"));
    expect(logged).toEqual([["KIT"], ["Demo svc.upper: no reply within 300 ms"]]);
  });

  it("Serving a service: each start function's line, its close, and Go's host:port", async () => {
    const { logged } = await run(blockAfter("## Serving a service: `serveTransports` and `@kit/transport/program`"));
    expect(logged).toEqual([["transport queue names shop.greet says hello, kit"], ["queue closed"], [{ host: "127.0.0.1", port: 8081 }]]);
  });

  it("Serving a service: runProgram prints the usage on --help", async () => {
    const readmeProgram = readme.slice(readme.indexOf("`runProgram(options, flags)`"));
    const block = /```ts\n([\s\S]*?)```/.exec(readmeProgram)?.[1] ?? "";
    const { stdout } = await run(block);
    expect(stdout.join("")).toBe(
      "usage: greeter [--flag value]…; a flag's default is its environment variable's, and only the transports given are served:\n  --http-addr  HTTP's host:port (HTTP_ADDR, default :8080)\n",
    );
  });
});
