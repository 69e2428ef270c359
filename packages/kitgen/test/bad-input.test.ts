// Every shape kitgen cannot map is an error naming file:line:col, the method and the reason;
// the exit status is 1 and nothing is written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kitgen } from "./support/run.ts";

const dir = mkdtempSync(join(tmpdir(), "kitgen-bad-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes a service whose interface body is `members` (line 4 onward) and runs `kitgen gen` on
 * it; returns stderr with the file's path replaced by `FILE`.
 */
function genWith(name: string, members: string, before = ""): string {
  const file = join(dir, `${name}.ts`);
  const out = join(dir, `${name}-out`);
  writeFileSync(file, `type Context = { readonly signal: AbortSignal };\n${before}\nexport interface BadService {\n${members}\n}\n`);
  const run = kitgen("gen", file, "--out", out);
  expect(run.status).toBe(1);
  expect(run.out).toBe("");
  expect(existsSync(out)).toBe(false);
  return run.err.replaceAll(file, "FILE");
}

describe("bad input", () => {
  it("a method without a Context first parameter", () => {
    expect(genWith("no-context", "  sum(a: number, b: number): Promise<number>;")).toBe("FILE:4:7: sum: the first parameter must be ctx: Context\n");
  });

  it("a method with no parameters at all", () => {
    expect(genWith("no-params", "  ping(): Promise<void>;")).toBe("FILE:4:3: ping: the first parameter must be ctx: Context\n");
  });

  it("a result that is not a Promise", () => {
    expect(genWith("no-promise", "  sum(ctx: Context, a: number): number;")).toBe("FILE:4:33: sum: the result must be a Promise<T>\n");
  });

  it("overloads", () => {
    const err = genWith("overloads", "  find(ctx: Context, id: string): Promise<string>;\n  find(ctx: Context, id: number): Promise<string>;");
    expect(err).toBe("FILE:5:3: find: overloads are not supported: give each signature its own name\n");
  });

  it("a function-typed field", () => {
    const err = genWith("function-field", "  run(ctx: Context, job: Job): Promise<void>;", "interface Job {\n  readonly done: () => void;\n}");
    expect(err).toBe("FILE:3:3: run: job.done: functions are not supported: a field must be data\n");
  });

  it("a method-typed field", () => {
    const err = genWith("method-field", "  run(ctx: Context, job: Job): Promise<void>;", "interface Job {\n  done(): void;\n}");
    expect(err).toBe("FILE:3:3: run: job.done: methods are not supported: a field must be data\n");
  });

  it("an any field", () => {
    const err = genWith("any-field", "  put(ctx: Context, value: { readonly data: any }): Promise<void>;");
    expect(err).toBe("FILE:4:30: put: value.data: any and unknown are not supported: give it a type\n");
  });

  it("an unknown argument", () => {
    expect(genWith("unknown-arg", "  put(ctx: Context, value: unknown): Promise<void>;")).toBe(
      "FILE:4:21: put: value: any and unknown are not supported: give it a type\n",
    );
  });

  it("a recursive type without @recursive", () => {
    const err = genWith("recursive", "  tree(ctx: Context): Promise<Node>;", "interface Node {\n  readonly children: Node[];\n}");
    expect(err).toBe("FILE:3:3: tree: result.children[]: Node is recursive: mark its declaration with a @recursive JSDoc tag to allow it\n");
  });

  it("an index signature with number keys", () => {
    const err = genWith("number-keys", "  counts(ctx: Context): Promise<Counts>;", "interface Counts {\n  [n: number]: string;\n}");
    expect(err).toBe("FILE:3:3: counts: result: an index signature needs string keys, not number\n");
  });

  it("a name clash after kebab-casing", () => {
    const err = genWith("kebab-clash", "  getURL(ctx: Context): Promise<string>;\n  getUrl(ctx: Context): Promise<string>;");
    expect(err).toBe("FILE:5:3: getUrl: its name clashes with getURL after kebab-casing (get-url)\n");
  });

  it("a Date, a tuple, undefined and a bigint", () => {
    expect(genWith("date", "  at(ctx: Context, when: Date): Promise<void>;")).toBe("FILE:4:20: at: when: Date has no JSON form: use a string or a number\n");
    expect(genWith("tuple", "  at(ctx: Context, p: [number, number]): Promise<void>;")).toBe("FILE:4:20: at: p: tuples are not supported: use an object or an array\n");
    expect(genWith("undef", "  at(ctx: Context, p: string | undefined): Promise<void>;")).toBe(
      "FILE:4:20: at: p: undefined has no JSON form: make the field optional or use null\n",
    );
    expect(genWith("bigint", "  at(ctx: Context, p: bigint): Promise<void>;")).toBe("FILE:4:20: at: p: bigint has no JSON form\n");
  });

  it("streaming methods with a transport other than gRPC", () => {
    const file = join(dir, "stream.ts");
    writeFileSync(file, "type Context = { readonly signal: AbortSignal };\nexport interface BadService {\n  watch(ctx: Context): AsyncIterable<string>;\n}\n");
    expect(kitgen("gen", file, "--out", join(dir, "stream-out"), "--transports", "grpc,http,nats")).toEqual({
      status: 1,
      out: "",
      err: "kitgen: watch stream (AsyncIterable), which only gRPC carries, not http, nats: generate with --transports grpc\n",
    });
    expect(existsSync(join(dir, "stream-out"))).toBe(false);
  });

  it("a streamed argument beside others, and a stream of void", () => {
    expect(genWith("stream-args", "  send(ctx: Context, to: string, lines: AsyncIterable<string>): Promise<void>;")).toBe(
      "FILE:4:34: send: a streamed argument (AsyncIterable) must be the only argument after ctx\n",
    );
    expect(genWith("stream-void", "  watch(ctx: Context): AsyncIterable<void>;")).toBe("FILE:4:24: watch: a stream of void has no elements to send\n");
  });

  it("a narrowing tag on a type it cannot narrow, and a malformed one", () => {
    expect(genWith("tag-kind", "  put(ctx: Context, /** @minLength 2 */ n: number): Promise<void>;")).toBe("FILE:4:41: put: n: @minLength applies to strings\n");
    expect(genWith("tag-value", "  put(ctx: Context, /** @max lots */ n: number): Promise<void>;")).toBe('FILE:4:38: put: n: @max needs a number, got "lots"\n');
  });

  it("an @http route that does not fit the method, and two routes that clash", () => {
    expect(genWith("route-param", "  /** @http GET /items/{id} */\n  get(ctx: Context, sku: string): Promise<string>;")).toBe(
      "FILE:4:7: get: @http path parameter {id} is not an argument of get\n",
    );
    expect(genWith("route-query", "  /** @http GET /items */\n  list(ctx: Context, filter: { readonly a: string }): Promise<string>;")).toBe(
      "FILE:4:7: list: @http GET: filter would be a query parameter, so it must be a string, number or boolean\n",
    );
    expect(genWith("route-clash", "  /** @http POST /b */\n  a(ctx: Context): Promise<string>;\n  b(ctx: Context): Promise<string>;")).toBe(
      "FILE:6:3: b: its route POST /b clashes with a's\n",
    );
    expect(genWith("route-any", "  /** @http ANY /b */\n  a(ctx: Context): Promise<string>;\n  /** @http GET /b */\n  b(ctx: Context): Promise<string>;")).toBe(
      "FILE:7:3: b: its route GET /b clashes with a's\n",
    );
    expect(genWith("route-segment", "  /** @http GET /items/{sku}.json */\n  get(ctx: Context, sku: string): Promise<string>;")).toBe(
      'FILE:4:7: get: @http path parameter "{sku}.json" must be a whole segment, such as "/items/{sku}"\n',
    );
    expect(genWith("route-verb", "  /** @http FETCH /b */\n  a(ctx: Context): Promise<string>;")).toBe(
      'FILE:4:7: a: @http needs "METHOD /path" (GET, POST, PUT, PATCH, DELETE or ANY), such as "GET /items/{sku}", got "FETCH /b"\n',
    );
  });

  it("lists every problem, one line each", () => {
    const err = genWith("several", "  a(x: number): Promise<void>;\n  b(ctx: Context): number;");
    expect(err.split("\n").filter((l) => l !== "")).toHaveLength(2);
  });
});

describe("bad input for gRPC: a type protobuf cannot hold", () => {
  it.each([
    ["optional-null", "  f(ctx: Context, note?: string | null): Promise<void>;", "kitgen: grpc: FRequest.note: an optional field that can also be null has no protobuf form; drop `?` or `| null`\n"],
    ["optional-array", "  f(ctx: Context, tags?: string[]): Promise<void>;", "kitgen: grpc: FRequest.tags: a repeated field has no presence in protobuf; make it required (empty means none)\n"],
    ["nested-array", "  f(ctx: Context, grid: number[][]): Promise<void>;", "kitgen: grpc: FRequest.grid: an array of arrays or records has no protobuf form; wrap the element in an object\n"],
    ["object-union", "  f(ctx: Context, shape: { r: number } | { w: number }): Promise<void>;", "kitgen: grpc: FRequest.shape: a union other than `T | null` or one of literals has no protobuf form\n"],
  ])("%s is an error with --transports grpc, and generates for the other transports", (name, members, reason) => {
    const error = reason.replace(/\n$/, " (or leave grpc out of --transports)\n");
    const file = join(dir, `grpc-${name}.ts`);
    const out = join(dir, `grpc-${name}-out`);
    writeFileSync(file, `type Context = { readonly signal: AbortSignal };\nexport interface BadService {\n${members}\n}\n`);
    expect(kitgen("gen", file, "--out", out, "--transports", "grpc")).toEqual({ status: 1, out: "", err: error });
    expect(existsSync(out)).toBe(false);
    expect(kitgen("gen", file, "--out", out, "--transports", "http").status).toBe(0);
  });
});

describe("bad wire tags", () => {
  it("a @resultField on a method whose result is an object or void, or without a field name", () => {
    expect(genWith("result-field-object", "  /** @resultField v */\n  get(ctx: Context): Promise<{ a: string }>;")).toBe(
      "FILE:4:7: get: @resultField holds a result that is not an object; this one is an object\n",
    );
    expect(genWith("result-field-void", "  /** @resultField v */\n  ping(ctx: Context): Promise<void>;")).toBe(
      "FILE:4:7: ping: @resultField holds a result that is not an object; this one is void\n",
    );
    expect(genWith("result-field-name", "  get(ctx: Context): Promise<number>;", "/** @resultField 1x */")).toBe(
      'FILE:2:5: BadService: @resultField needs a field name, such as "v", got "1x"\n',
    );
  });

  it("a @protoPackage, @protoService or @errorField without a valid name", () => {
    expect(genWith("proto-package", "  get(ctx: Context): Promise<number>;", "/** @protoPackage my-pkg */")).toBe(
      'FILE:2:5: BadService: @protoPackage needs a package name, such as "pb", got "my-pkg"\n',
    );
    expect(genWith("proto-service", "  get(ctx: Context): Promise<number>;", "/** @protoService */")).toBe('FILE:2:5: BadService: @protoService needs a service name, such as "Add", got ""\n');
    expect(genWith("error-field-name", "  get(ctx: Context): Promise<number>;", "/** @errorField e.rr */")).toBe('FILE:2:5: BadService: @errorField needs a field name, such as "err", got "e.rr"\n');
  });

  it("an @errorField that the result already has", () => {
    expect(genWith("error-field-clash", "  get(ctx: Context): Promise<{ readonly err: number }>;", "/** @errorField err */")).toBe(
      'kitgen: grpc: GetResponse: the result already has a field "err", the @errorField; rename one of them (or leave grpc out of --transports)\n',
    );
  });
});
