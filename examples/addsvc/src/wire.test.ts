import { Code, KitError } from "@kit/endpoint";
import { validate } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { concatRequest, sumRequest } from "./generated/add.validators.ts";
import { errorBody } from "./generated/add.http.ts";

// Go kit's JSON as kitgen writes it from AddService's tags: the request decoders (`@goJSON
// addendpoint`), run as every JSON transport runs them, and the error body (`@jsonErrorField error`).
const sumRequestFromJSON = (body: unknown): Promise<unknown> => validate(sumRequest, body);
const concatRequestFromJSON = (body: unknown): Promise<unknown> => validate(concatRequest, body);

async function thrown(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof KitError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a throw");
}

describe("sumRequestFromJSON", () => {
  it("reads Go kit's client body {\"A\":1,\"B\":2} and curl's {\"a\":1,\"b\":2} alike", async () => {
    expect(await sumRequestFromJSON(JSON.parse('{"A":1,"B":2}'))).toEqual({ a: 1, b: 2 });
    expect(await sumRequestFromJSON(JSON.parse('{"a":1,"b":2}'))).toEqual({ a: 1, b: 2 });
    expect(await sumRequestFromJSON(JSON.parse('{"a":1,"B":2}'))).toEqual({ a: 1, b: 2 });
  });

  it("lets the last of two case variants win and ignores unknown keys, as Go does", async () => {
    expect(await sumRequestFromJSON(JSON.parse('{"a":1,"A":5,"b":2,"c":9}'))).toEqual({ a: 5, b: 2 });
  });

  it("leaves missing and null fields, and a null body, at 0 (so they reach the two-zeroes rule)", async () => {
    expect(await sumRequestFromJSON(JSON.parse('{"a":3}'))).toEqual({ a: 3, b: 0 });
    expect(await sumRequestFromJSON(JSON.parse('{"a":null,"b":4}'))).toEqual({ a: 0, b: 4 });
    expect(await sumRequestFromJSON(JSON.parse("{}"))).toEqual({ a: 0, b: 0 });
    expect(await sumRequestFromJSON(null)).toEqual({ a: 0, b: 0 });
  });

  it("refuses non-integer fields with invalid_argument and Go's unmarshal message", async () => {
    expect(await thrown(() => sumRequestFromJSON({ a: 1.5, b: 1 }))).toEqual({
      code: Code.InvalidArgument,
      message: "json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int",
    });
    expect((await thrown(() => sumRequestFromJSON({ a: 1, B: "2" }))).message).toBe(
      "json: cannot unmarshal string into Go struct field SumRequest.B of type int",
    );
    expect((await thrown(() => sumRequestFromJSON({ a: true }))).message).toContain("cannot unmarshal bool");
  });

  it("refuses a body that is not an object with invalid_argument", async () => {
    expect(await thrown(() => sumRequestFromJSON([1, 2]))).toEqual({
      code: Code.InvalidArgument,
      message: "json: cannot unmarshal array into Go value of type addendpoint.SumRequest",
    });
    expect((await thrown(() => sumRequestFromJSON("1+2"))).code).toBe(Code.InvalidArgument);
  });
});

describe("concatRequestFromJSON", () => {
  it("reads {\"A\":…,\"B\":…} and {\"a\":…,\"b\":…} alike", async () => {
    expect(await concatRequestFromJSON(JSON.parse('{"A":"1","B":"2"}'))).toEqual({ a: "1", b: "2" });
    expect(await concatRequestFromJSON(JSON.parse('{"a":"1","b":"2"}'))).toEqual({ a: "1", b: "2" });
  });

  it("leaves missing and null fields at \"\"", async () => {
    expect(await concatRequestFromJSON(JSON.parse('{"b":null}'))).toEqual({ a: "", b: "" });
  });

  it("refuses a field that is not a string with Go's unmarshal message", async () => {
    expect(await thrown(() => concatRequestFromJSON({ a: 1, b: "2" }))).toEqual({
      code: Code.InvalidArgument,
      message: "json: cannot unmarshal number 1 into Go struct field ConcatRequest.A of type string",
    });
  });
});

describe("errorBody", () => {
  it("writes Go kit's {\"error\": message} plus Kit's code and message", () => {
    expect(JSON.stringify(errorBody(new KitError(Code.OutOfRange, "integer overflow")))).toBe(
      '{"error":"integer overflow","code":"out_of_range","message":"integer overflow"}',
    );
  });
});
