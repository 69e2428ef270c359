import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { background, Code, isKitError, withTimeout, type KitError } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recorder } from "../test/support.ts";
import { demoGrpc } from "./demo-grpc.ts";
import { start, type App } from "./app.ts";
import { grpcClient } from "./demo-clients.ts";

// addsvc served by start() on 127.0.0.1 (a free port), called by the Kit gRPC client and by
// a plain grpc-js client built from Go kit's own addsvc.proto, as a Go kit client would.

let app: App;
let logger: ReturnType<typeof recorder>;

beforeEach(async () => {
  logger = recorder();
  app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger, metrics: memory() });
});
afterEach(async () => {
  await app.close();
});

/** A client made from Go kit's addsvc.proto alone: int64 as strings, as exact as Go's. */
function goKitClient(addr: string): grpc.Client & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall> {
  const protoPath = fileURLToPath(new URL("../proto/testdata/gokit-addsvc.proto", import.meta.url));
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { longs: String, defaults: true }));
  const Add = (pkg.pb as grpc.GrpcObject).Add as grpc.ServiceClientConstructor;
  return new Add(addr, grpc.credentials.createInsecure()) as grpc.Client & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>;
}

/** A Go kit reply, int64 `v` as a decimal string. */
interface Reply {
  v: string;
  err: string;
}

function unary(c: ReturnType<typeof goKitClient>, method: string, request: unknown): Promise<{ err: grpc.ServiceError | null; reply: Reply | undefined }> {
  return new Promise((resolve) => {
    c[method]?.(request, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null, reply?: Reply) => {
      resolve({ err, reply });
    });
  });
}

describe("addsvc over gRPC", () => {
  it("logs its address once it listens, like the HTTP transport", () => {
    expect(app.grpcAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(logger.lines).toContainEqual(["transport", "gRPC", "addr", app.grpcAddr]);
  });

  it("runs the gRPC demo: sum, concat, a business error, the server stream and a bidi call", async () => {
    const lines: string[] = [];
    await demoGrpc(app.grpcAddr, (line) => lines.push(line));
    expect(lines.join("\n")).toMatch(/Sum\(2, 3\) {2}→ {2}5 {2}✓/);
    expect(lines.join("\n")).toMatch(/RunningSums\(\[1, 2, 3, 4\]\) \(server stream\) {2}→ {2}\[1,3,6,10\] {2}✓/);
    expect(lines.filter((l) => l.startsWith("  sent "))).toHaveLength(3);
    expect(lines.some((l) => l.includes("✗"))).toBe(false);
  });

  describe("a Go kit client (Go kit's proto, nothing else)", () => {
    it("gets Sum and Concat results in v with an empty err", async () => {
      const c = goKitClient(app.grpcAddr);
      try {
        expect(await unary(c, "Sum", { a: "2", b: "3" })).toEqual({ err: null, reply: { v: "5", err: "" } });
        expect(await unary(c, "Concat", { a: "kit", b: "go" })).toEqual({ err: null, reply: { v: "kitgo", err: "" } });
      } finally {
        c.close();
      }
    });

    it("gets Go kit's business errors in the reply's err field, with status OK and v zero", async () => {
      const c = goKitClient(app.grpcAddr);
      try {
        expect(await unary(c, "Sum", { a: "0", b: "0" })).toEqual({ err: null, reply: { v: "0", err: "can't sum two zeroes" } });
        expect(await unary(c, "Sum", { a: "2147483647", b: "1" })).toEqual({ err: null, reply: { v: "0", err: "integer overflow" } });
        expect(await unary(c, "Concat", { a: "abcdef", b: "ghijk" })).toEqual({ err: null, reply: { v: "", err: "result exceeds maximum size" } });
      } finally {
        c.close();
      }
    });

    it("sums int64s past int32 exactly when the result fits, and refuses values past 2^53 in err", async () => {
      const c = goKitClient(app.grpcAddr);
      try {
        expect(await unary(c, "Sum", { a: "3000000000", b: "-1000000000" })).toEqual({ err: null, reply: { v: "2000000000", err: "" } });
        const big = await unary(c, "Sum", { a: "9007199254740993", b: "1" });
        expect(big.err).toBeNull();
        expect(big.reply?.err).toMatch(/^sum arguments must be safe integers/);
      } finally {
        c.close();
      }
    });

    it("gets INVALID_ARGUMENT for a message that does not decode, and the server keeps serving", async () => {
      const c = new grpc.Client(app.grpcAddr, grpc.credentials.createInsecure());
      try {
        const status = await new Promise<grpc.ServiceError | null>((resolve) => {
          c.makeUnaryRequest("/pb.Add/Sum", (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0xff, 0xff, 0xff]), (err) => {
            resolve(err);
          });
        });
        expect(status?.code).toBe(grpc.status.INVALID_ARGUMENT);
      } finally {
        c.close();
      }
      const goKit = goKitClient(app.grpcAddr);
      try {
        expect((await unary(goKit, "Sum", { a: "1", b: "1" })).reply).toEqual({ v: "2", err: "" });
      } finally {
        goKit.close();
      }
      expect(logger.lines.some((line) => line.includes(Code.InvalidArgument))).toBe(true);
    });
  });

  it("serves RunningSums and SumEach to a client built from proto/addsvc.proto, the whole service as a peer sees it", async () => {
    const protoPath = fileURLToPath(new URL("../proto/addsvc.proto", import.meta.url));
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { longs: String, defaults: true }));
    const Add = (pkg.pb as grpc.GrpcObject).Add as grpc.ServiceClientConstructor;
    const c = new Add(app.grpcAddr, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      RunningSums(request: unknown): grpc.ClientReadableStream<Reply>;
      SumEach(): grpc.ClientDuplexStream<unknown, Reply>;
    };
    const all = (stream: grpc.ClientReadableStream<Reply> | grpc.ClientDuplexStream<unknown, Reply>): Promise<Reply[]> =>
      new Promise((resolve, reject) => {
        const got: Reply[] = [];
        stream.on("data", (reply: Reply) => got.push(reply));
        stream.on("end", () => {
          resolve(got);
        });
        stream.on("error", reject);
      });
    try {
      expect(await all(c.RunningSums({ values: ["1", "2", "2147483647"] }))).toEqual([
        { v: "1", err: "" },
        { v: "3", err: "" },
        { v: "0", err: "integer overflow" },
      ]);
      const each = c.SumEach();
      const answers = all(each);
      each.write({ a: "0", b: "0" });
      each.write({ a: "40", b: "2" });
      each.end();
      expect(await answers).toEqual([
        { v: "0", err: "can't sum two zeroes" },
        { v: "42", err: "" },
      ]);
    } finally {
      c.close();
    }
  });

  describe("the Kit client", () => {
    it("returns values and throws business errors with their codes", async () => {
      const svc = grpcClient(app.grpcAddr);
      const [ctx, cancel] = withTimeout(background(), 5_000);
      try {
        expect(await svc.sum(ctx, 20, 22)).toBe(42);
        expect(await svc.concat(ctx, "a", "b")).toBe("ab");
        const err = await svc.concat(ctx, "abcdef", "ghijk").catch((e: unknown) => e);
        expect(err).toMatchObject({ code: Code.OutOfRange, message: "result exceeds maximum size" });
      } finally {
        cancel();
        svc.close();
      }
    });

    it("streams running sums and throws the business error that ends them", async () => {
      const svc = grpcClient(app.grpcAddr);
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const total of svc.runningSums(background(), [2_147_483_640, 7, 1, 1])) seen.push(total);
      } catch (err) {
        caught = err;
      } finally {
        svc.close();
      }
      expect(seen).toEqual([2_147_483_640, 2_147_483_647]);
      expect(isKitError(caught) && caught.code).toBe(Code.OutOfRange);
    });

    it("fails unavailable once the server is closed", async () => {
      await app.close();
      const svc = grpcClient(app.grpcAddr);
      const [ctx, cancel] = withTimeout(background(), 5_000);
      try {
        const err = await svc.sum(ctx, 1, 2).catch((e: unknown) => e);
        expect((err as KitError).code).toBe(Code.Unavailable);
      } finally {
        cancel();
        svc.close();
      }
    });
  });
});
