// The generated validators: every supported type round-trips through JSON and the validator
// (fast-check), and bad input is invalid_argument naming the field path.
import fc from "fast-check";
import { Code, isKitError } from "@kit/endpoint";
import { jsonCodec, validate, type Schema } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { resolveService } from "../src/resolve-service.ts";
import * as schemas from "./fixtures/inventory/generated/inventory.validators.ts";
import { arbitraryOf } from "./support/arbitrary.ts";
import { inventoryFile } from "./support/paths.ts";

const service = resolveService(inventoryFile);
const table = schemas as unknown as Record<string, Schema>;

async function rejection(schema: Schema, value: unknown): Promise<string> {
  try {
    await validate(schema, value);
  } catch (err) {
    if (isKitError(err) && err.code === Code.InvalidArgument) return err.message;
    throw err;
  }
  throw new Error("accepted");
}

describe("generated validators", () => {
  for (const method of service.methods) {
    it(`${method.name}: every request and response round-trips through the JSON codec and the validator`, async () => {
      const request = arbitraryOf({ kind: "object", fields: method.args }, service.named);
      const response = arbitraryOf(method.result, service.named);
      const requestSchema = table[`${method.name}Request`]!;
      const responseSchema = table[`${method.name}Response`]!;
      await fc.assert(
        fc.asyncProperty(request, response, async (req, res) => {
          expect(await validate(requestSchema, jsonCodec.decode(jsonCodec.encode(req)))).toEqual(req);
          const wire = res === undefined ? undefined : jsonCodec.decode(jsonCodec.encode(res));
          expect(await validate(responseSchema, wire)).toEqual(res);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("names the field path of a bad value", async () => {
    const lines = [
      { sku: "ABC-001", quantity: 1 },
      { sku: "ABC-002", quantity: 2 },
      { sku: "ABC-003", quantity: 2.5 },
    ];
    expect(await rejection(schemas.placeOrderRequest, { lines, note: null })).toBe("lines[2].quantity: expected an integer");
    expect(await rejection(schemas.placeOrderRequest, { lines: [{ sku: "abc", quantity: -1 }] })).toBe(
      "lines[0].sku: expected to match /^[A-Z]{3}-\\d{3}$/u; lines[0].quantity: expected at least 0; note: required",
    );
  });

  it("applies each narrowing tag", async () => {
    const ok = { sku: "ABC-001", quantity: 5 };
    expect(await validate(schemas.restockRequest, ok)).toEqual(ok);
    expect(await rejection(schemas.restockRequest, { ...ok, quantity: 0 })).toBe("quantity: expected at least 1");
    expect(await rejection(schemas.restockRequest, { ...ok, quantity: 1001 })).toBe("quantity: expected at most 1000");
    expect(await rejection(schemas.restockRequest, { ...ok, location: { warehouse: "east", shelf: "" } })).toBe(
      'location.warehouse: expected "north" | "south"; location.shelf: expected at least 1 characters',
    );
    expect(await rejection(schemas.restockRequest, { ...ok, location: { warehouse: "north", shelf: "123456789" } })).toBe(
      "location.shelf: expected at most 8 characters",
    );
    expect(await rejection(schemas.recordSaleRequest, { sku: "ABC-001", at: 2 ** 60 })).toBe("at: expected a safe integer");
    expect(await rejection(schemas.restockResponse, { sku: "ABC-001", quantity: 2 ** 31, status: "ok" })).toBe("quantity: expected a 32-bit integer");
  });

  it("refuses wrong types and leaves out fields the type does not have", async () => {
    expect(await rejection(schemas.getItemRequest, "ABC-001")).toBe("expected an object");
    expect(await rejection(schemas.getItemRequest, { sku: 7 })).toBe("sku: expected a string");
    expect(await rejection(schemas.getItemRequest, { sku: "ABC-001", verbose: "yes" })).toBe("verbose: expected a boolean");
    expect(await validate(schemas.getItemRequest, { sku: "ABC-001", extra: 1 })).toEqual({ sku: "ABC-001" });
    expect(await rejection(schemas.categoriesResponse, { name: "root", children: [{ name: 1, children: [] }] })).toBe(
      "children[0].name: expected a string",
    );
  });
});
