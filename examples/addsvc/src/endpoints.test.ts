import { background, Code, isKitError, KitError, type Endpoint } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { describe, expect, it } from "vitest";
import {
  failed,
  generatedEndpoints,
  makeConcatEndpoint,
  makeSumEndpoint,
  newEndpointSet,
  type ConcatRequest,
  type ConcatResponse,
  type SumRequest,
  type SumResponse,
} from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { newBasicService, type AddService } from "./service.ts";

const ctx = background();
const svc = newBasicService();

function recorder(): { lines: unknown[][]; log(...keyvals: unknown[]): void } {
  const lines: unknown[][] = [];
  return { lines, log: (...keyvals) => { lines.push(keyvals); } };
}

const buggy: AddService = {
  sum: () => Promise.reject(new TypeError("bug")),
  concat: () => Promise.reject(new TypeError("bug")),
};

describe("makeSumEndpoint", () => {
  it("answers { v } on success, with no err", async () => {
    const res = await makeSumEndpoint(svc)(ctx, { a: 1, b: 2 });
    expect(res).toEqual({ v: 3 });
    expect(failed(res)).toBeUndefined();
  });

  it("returns the business error inside the response, with v 0, instead of throwing", async () => {
    const res = await makeSumEndpoint(svc)(ctx, { a: 0, b: 0 });
    expect(res.v).toBe(0);
    expect(failed(res)).toMatchObject({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
  });

  it("throws on what the service throws that is not a KitError", async () => {
    await expect(makeSumEndpoint(buggy)(ctx, { a: 1, b: 2 })).rejects.toThrow(TypeError);
  });

  it("serialises to Go kit's JSON: {\"v\":3}, never the err field", async () => {
    expect(JSON.stringify(await makeSumEndpoint(svc)(ctx, { a: 1, b: 2 }))).toBe('{"v":3}');
  });
});

describe("makeConcatEndpoint", () => {
  it("answers { v } on success", async () => {
    expect(await makeConcatEndpoint(svc)(ctx, { a: "1", b: "2" })).toEqual({ v: "12" });
  });

  it("returns the business error inside the response, with v \"\"", async () => {
    const res = await makeConcatEndpoint(svc)(ctx, { a: "hello", b: "world!" });
    expect(res.v).toBe("");
    expect(failed(res)).toMatchObject({ code: Code.OutOfRange, message: "result exceeds maximum size" });
  });

  it("throws on what the service throws that is not a KitError", async () => {
    await expect(makeConcatEndpoint(buggy)(ctx, { a: "1", b: "2" })).rejects.toThrow(TypeError);
  });
});

describe("newEndpointSet", () => {
  it("logs method, transport_error and took for each call, method first", async () => {
    const logger = recorder();
    const set = newEndpointSet(svc, { logger, metrics: memory() });
    await set.sumEndpoint(ctx, { a: 1, b: 2 });
    await set.concatEndpoint(ctx, { a: "a", b: "b" });
    expect(logger.lines).toEqual([
      ["method", "Sum", "transport_error", undefined, "took", expect.any(String)],
      ["method", "Concat", "transport_error", undefined, "took", expect.any(String)],
    ]);
  });

  it("records each call per endpoint, a business error under its code, while logging it as no transport error as in Go kit", async () => {
    const metrics = memory();
    const logger = recorder();
    const set = newEndpointSet(svc, { logger, metrics });
    const res = await set.sumEndpoint(ctx, { a: 0, b: 0 });
    await set.sumEndpoint(ctx, { a: 1, b: 2 });
    await set.concatEndpoint(ctx, { a: "x", b: "y" });
    expect(failed(res)?.message).toBe("can't sum two zeroes"); // still in the response
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
    expect(metrics.histogramValue("request_duration_seconds", { endpoint: "sum", code: "ok" })?.count).toBe(1);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
    expect(metrics.value("requests_in_flight", { endpoint: "concat" })).toBe(0);
    expect(logger.lines[0]?.[3]).toBeUndefined(); // transport_error=null
  });

  it("labels a bug \"unknown\" and logs the error when the endpoint throws", async () => {
    const metrics = memory();
    const logger = recorder();
    const set = newEndpointSet(buggy, { logger, metrics });
    await expect(set.sumEndpoint(ctx, { a: 1, b: 2 })).rejects.toThrow("bug");
    expect(metrics.value("requests_total", { endpoint: "sum", code: "unknown" })).toBe(1);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
    expect(logger.lines[0]?.slice(0, 3)).toEqual(["method", "Sum", "transport_error"]);
    expect(logger.lines[0]?.[3]).toBeInstanceOf(TypeError);
  });

  it("answers like the bare endpoints", async () => {
    const set = newEndpointSet(svc, { logger: recorder(), metrics: memory() });
    expect(await set.sumEndpoint(ctx, { a: 2, b: 3 })).toEqual({ v: 5 });
    expect(await set.concatEndpoint(ctx, { a: "2", b: "3" })).toEqual({ v: "23" });
  });
});

describe("a client over the endpoint set (Go kit's Set used as a Service)", () => {
  const local = addClient(generatedEndpoints({ sumEndpoint: makeSumEndpoint(svc), concatEndpoint: makeConcatEndpoint(svc) }));

  it("returns v from each endpoint", async () => {
    expect(await local.sum(ctx, 1, 2)).toBe(3);
    expect(await local.concat(ctx, "1", "2")).toBe("12");
  });

  it("throws the business error a response carries, code and message intact", async () => {
    for (const call of [() => local.sum(ctx, 0, 0), () => local.sum(ctx, 2 ** 31 - 1, 1), () => local.concat(ctx, "0123456789", "x")]) {
      const err: unknown = await call().catch((e: unknown) => e);
      expect(isKitError(err)).toBe(true);
    }
    await expect(local.sum(ctx, 0, 0)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
    await expect(local.sum(ctx, 2 ** 31 - 1, 1)).rejects.toMatchObject({ code: Code.OutOfRange, message: "integer overflow" });
    await expect(local.concat(ctx, "0123456789", "x")).rejects.toMatchObject({
      code: Code.OutOfRange,
      message: "result exceeds maximum size",
    });
  });

  it("throws what a remote endpoint throws, as a transport client does for an error status", async () => {
    const remote = new KitError(Code.InvalidArgument, "can't sum two zeroes");
    const sum: Endpoint<SumRequest, SumResponse> = () => Promise.reject(remote);
    const concat: Endpoint<ConcatRequest, ConcatResponse> = () => Promise.reject(new KitError(Code.Unavailable, "down"));
    const client = addClient(generatedEndpoints({ sumEndpoint: sum, concatEndpoint: concat }));
    await expect(client.sum(ctx, 0, 0)).rejects.toBe(remote);
    await expect(client.concat(ctx, "a", "b")).rejects.toMatchObject({ code: Code.Unavailable });
  });

  it("sends the arguments as { a, b }", async () => {
    const seen: SumRequest[] = [];
    const sum: Endpoint<SumRequest, SumResponse> = (_ctx, req) => {
      seen.push(req);
      return Promise.resolve({ v: 0 });
    };
    await addClient(generatedEndpoints({ sumEndpoint: sum, concatEndpoint: makeConcatEndpoint(svc) })).sum(ctx, 4, 5);
    expect(seen).toEqual([{ a: 4, b: 5 }]);
  });
});
