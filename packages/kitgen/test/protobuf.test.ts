// The generated protobuf codec: every request and response of both fixtures (every type kitgen
// maps to protobuf) round-trips through it (fast-check), passes the validator after, and reads
// the same after protobufjs (through @grpc/proto-loader, loading the generated .proto) has read
// and rewritten its bytes. Malformed bytes are an error, unknown fields are skipped.
import { fileURLToPath } from "node:url";
import * as protoLoader from "@grpc/proto-loader";
import type { MethodDefinition } from "@grpc/grpc-js";
import fc from "fast-check";
import { validate, type Schema } from "@kit/transport";
import { describe, expect, it } from "vitest";
import type { Method, Service, WireType } from "../src/model.ts";
import { resolveService } from "../src/resolve-service.ts";
import * as inventoryPb from "./fixtures/inventory/generated/inventory.pb.ts";
import * as adderPb from "./fixtures/gowire/generated/adder.pb.ts";
import * as inventoryValidators from "./fixtures/inventory/generated/inventory.validators.ts";
import * as shapesPb from "./fixtures/shapes/generated/shapes.pb.ts";
import * as shapesValidators from "./fixtures/shapes/generated/shapes.validators.ts";
import * as streamsPb from "./fixtures/streams/generated/streams.pb.ts";
import * as streamsValidators from "./fixtures/streams/generated/streams.validators.ts";
import { arbitraryOf } from "./support/arbitrary.ts";
import { inventoryFile, shapesFile, streamsFile } from "./support/paths.ts";

type Codec = Record<string, (value?: Readonly<Record<string, unknown>>) => Uint8Array | Record<string, unknown>>;
type Loaded = Record<string, MethodDefinition<object, object>>;

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function encode(pb: Codec, message: string, value: unknown): Uint8Array {
  return pb[`encode${message}`]!(value as Record<string, unknown>) as Uint8Array;
}
function decode(pb: Codec, message: string, bytes: Uint8Array): Record<string, unknown> {
  return (pb[`decode${message}`] as unknown as (b: Uint8Array) => Record<string, unknown>)(bytes);
}

/** The response message for a result: an object result is the message, anything else its `value`. */
function wrap(m: Method, result: unknown): unknown {
  if (m.result.kind === "void") return {};
  return m.result.kind === "object" ? result : { value: result };
}
function unwrap(m: Method, message: Record<string, unknown>): unknown {
  if (m.result.kind === "void") return undefined;
  return m.result.kind === "object" ? message : message.value;
}

/** A request's type: the arguments as an object, or one element of a streamed argument. */
function requestType(m: Method): WireType {
  return (m.stream === "client" || m.stream === "bidi") && m.args[0] !== undefined ? m.args[0].type : { kind: "object", fields: m.args };
}
/** The request message: an object request is the message, anything else (a stream's element) its `value`. */
function wrapRequest(m: Method, request: unknown): unknown {
  return requestType(m).kind === "object" ? request : { value: request };
}
function unwrapRequest(m: Method, message: Record<string, unknown>): unknown {
  return requestType(m).kind === "object" ? message : message.value;
}

const fixtures = [
  { name: "inventory", file: inventoryFile, pb: inventoryPb as unknown as Codec, validators: inventoryValidators as unknown as Record<string, Schema>, pkg: "inventory.InventoryService" },
  { name: "shapes", file: shapesFile, pb: shapesPb as unknown as Codec, validators: shapesValidators as unknown as Record<string, Schema>, pkg: "shapes.ShapesService" },
  { name: "streams", file: streamsFile, pb: streamsPb as unknown as Codec, validators: streamsValidators as unknown as Record<string, Schema>, pkg: "streams.StreamsService" },
];

describe.each(fixtures)("the generated protobuf codec of the $name fixture", ({ name, file, pb, validators, pkg }) => {
  const service: Service = resolveService(file);
  const proto = fileURLToPath(new URL(`./fixtures/${name}/generated/${name}.proto`, import.meta.url));
  const loaded = protoLoader.loadSync(proto, { longs: String, enums: Number, defaults: false })[pkg] as unknown as Loaded;

  it("is a .proto protobufjs accepts, with one rpc per method, streaming as the method does", () => {
    expect(Object.keys(loaded)).toEqual(service.methods.map((m) => pascal(m.name)));
    const kinds = service.methods.map((m) => [loaded[pascal(m.name)]!.requestStream, loaded[pascal(m.name)]!.responseStream]);
    expect(kinds).toEqual(service.methods.map((m) => [m.stream === "client" || m.stream === "bidi", m.stream === "server" || m.stream === "bidi"]));
  });

  it.each(service.methods.map((m) => [m.name, m] as const))("round-trips every request and response of %s", async (_name, m) => {
    const rpc = loaded[pascal(m.name)]!;
    const requests = arbitraryOf(requestType(m), service.named);
    const results = arbitraryOf(m.result, service.named);
    await fc.assert(
      fc.asyncProperty(requests, results, async (request, result) => {
        const bytes = encode(pb, `${pascal(m.name)}Request`, wrapRequest(m, request));
        const back = unwrapRequest(m, decode(pb, `${pascal(m.name)}Request`, bytes));
        expect(back).toEqual(request);
        expect(await validate(validators[`${m.name}Request`]!, back)).toEqual(request);
        const viaProtobufjs = rpc.requestSerialize(rpc.requestDeserialize(Buffer.from(bytes)));
        expect(unwrapRequest(m, decode(pb, `${pascal(m.name)}Request`, viaProtobufjs))).toEqual(request);

        const reply = encode(pb, `${pascal(m.name)}Response`, wrap(m, result));
        const got = unwrap(m, decode(pb, `${pascal(m.name)}Response`, reply));
        expect(got).toEqual(result);
        const responseSchema = validators[`${m.name}Response`];
        expect(responseSchema === undefined ? got : await validate(responseSchema, got)).toEqual(result); // an event has no response schema
        const replyViaProtobufjs = rpc.responseSerialize(rpc.responseDeserialize(Buffer.from(reply)));
        expect(unwrap(m, decode(pb, `${pascal(m.name)}Response`, replyViaProtobufjs))).toEqual(result);
      }),
      { numRuns: 60 },
    );
  });
});

describe("malformed and unknown input", () => {
  it("throws on a truncated message and a wrong wire type, and skips fields it does not know", () => {
    const bytes = shapesPb.encodeFindRequest({ name: "somewhere" });
    expect(() => shapesPb.decodeFindRequest(bytes.subarray(0, bytes.length - 2))).toThrow("truncated message");
    expect(() => shapesPb.decodeFindRequest(Uint8Array.of(0x08, 0x01))).toThrow("wire type 0 where 2 was expected");
    const unknown = Uint8Array.of(0x98, 0x06, 0x2a, 0x1a, 0x02, 0x68, 0x69); // field 99 varint 42, field 3 "hi"
    expect(shapesPb.decodeFindRequest(Uint8Array.from([...bytes, ...unknown]))).toEqual({ name: "somewhere" });
  });

  it("writes a required field missing at runtime (a reply built by hand without Go kit's err) as its zero value", () => {
    expect([...adderPb.encodeSumResponse({ v: 3 })]).toEqual([0x08, 0x03]);
    expect(adderPb.decodeSumResponse(adderPb.encodeSumResponse({}))).toEqual({ v: 0, err: "" });
    expect(adderPb.decodeConcatResponse(adderPb.encodeConcatResponse({ err: "boom" }))).toEqual({ v: "", err: "boom" });
  });

  it("writes a negative int64 as ten bytes of two's complement, as every protobuf library does", () => {
    const bytes = shapesPb.encodeCountRequest({ n: -1 });
    expect([...bytes]).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(shapesPb.decodeCountRequest(bytes)).toEqual({ n: -1 });
    expect(shapesPb.decodeCountRequest(shapesPb.encodeCountRequest({ n: Number.MIN_SAFE_INTEGER }))).toEqual({ n: Number.MIN_SAFE_INTEGER });
  });
});
