// Go kit's JSON on the wire: bodies decoded whatever their content-type (curl -d sends a form
// type, Go kit's client none), a missing "s" read as "", and responses written by Go's
// json.Encoder, which ends them with a newline.
import { Code, KitError } from "@kit/endpoint";

/**
 * The request `{"s": …}` from a body, as Go's `json.Decoder` reads it: a missing `s` is `""`.
 *
 * @throws `KitError` `invalid_argument` for a body that is not JSON, not an object, or whose
 * `s` is not a string (Go kit answers these 500; a 400 tells the caller it is theirs)
 */
export function stringRequest(body: Buffer | string): { s: string } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString());
  } catch (err) {
    throw new KitError(Code.InvalidArgument, `request body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KitError(Code.InvalidArgument, "request body must be a JSON object such as {\"s\":\"hello\"}");
  }
  const s: unknown = (value as { s?: unknown }).s ?? "";
  if (typeof s !== "string") throw new KitError(Code.InvalidArgument, "s: expected a string");
  return { s };
}

/** `value` as Go's `json.NewEncoder(w).Encode(value)` writes it: JSON and a newline. */
export function goJSON(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
