// Go kit's JSON for profiles: fields with Go's `omitempty` are left out when empty, bodies end
// with json.Encoder's newline, and a request body is read as Go's json.Decoder reads it
// (unknown fields ignored, a missing string is "").
import { Code, KitError } from "@kit/endpoint";
import type { Address, Profile } from "./profile.ts";

/** An address as Go kit writes it: `{"id":"…","location":"…"}`, `location` left out when empty. */
export function addressJSON(a: Address): Record<string, string> {
  return a.location === "" ? { id: a.id } : { id: a.id, location: a.location };
}

/** A profile as Go kit writes it; `name` and `addresses` left out when empty. */
export function profileJSON(p: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id };
  if (p.name !== "") out.name = p.name;
  if (p.addresses.length > 0) out.addresses = p.addresses.map(addressJSON);
  return out;
}

function invalid(message: string): KitError {
  return new KitError(Code.InvalidArgument, message);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(`${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

function text(value: Record<string, unknown>, field: string, what: string): string {
  const v = value[field] ?? "";
  if (typeof v !== "string") throw invalid(`${what}.${field}: expected a string`);
  return v;
}

/** An address from a decoded JSON value; `invalid_argument` naming the field otherwise. */
export function addressFrom(value: unknown, what = "address"): Address {
  const a = object(value, what);
  return { id: text(a, "id", what), location: text(a, "location", what) };
}

/** A profile from a decoded JSON value, `addresses` missing or `null` read as none. */
export function profileFrom(value: unknown): Profile {
  const p = object(value, "profile");
  const list = p.addresses ?? [];
  if (!Array.isArray(list)) throw invalid("profile.addresses: expected an array");
  return { id: text(p, "id", "profile"), name: text(p, "name", "profile"), addresses: list.map((a, i) => addressFrom(a, `profile.addresses[${String(i)}]`)) };
}

/** The JSON value of a request body. */
export function jsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw invalid(`request body is not JSON: ${(err as Error).message}`);
  }
}

/** `value` as Go's `json.NewEncoder(w).Encode(value)` writes it: JSON and a newline. */
export function goJSON(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
