import type { Endpoint } from "@kit/endpoint";
import type { DecodeParams, EncodeResult, MethodCodec, MethodTable } from "./method.ts";

/**
 * One method of a {@link MethodTable}, with its endpoint's request and response types checked
 * against its codecs' (an object literal in a table is not checked so).
 *
 * @param endpoint - the endpoint the method calls
 * @param decode - reads the request from `params`
 * @param encode - writes the response as `result`
 */
export function methodCodec<Req, Res>(endpoint: Endpoint<Req, Res>, decode: DecodeParams<Req>, encode: EncodeResult<Res>): MethodCodec<Req, Res> {
  return { endpoint, decode, encode };
}

/**
 * The method table of `[name, method]` entries, for `server`. Two methods under one name
 * are a mistake an object literal would hide (the last one would win): this throws, naming it.
 *
 * @param entries - each method under its JSON-RPC name
 * @throws Error when two entries have the same name
 *
 * @example
 * ```ts
 * const methods = methodTable([
 *   ["add.sum", methodCodec(sum, checkedParams(SumRequest, ["a", "b"]), resultAsIs)],
 *   ["add.concat", methodCodec(concat, checkedParams(ConcatRequest, ["a", "b"]), resultAsIs)],
 * ]);
 * ```
 */
export function methodTable(entries: readonly (readonly [string, MethodTable[string]])[]): MethodTable {
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name)) throw new Error(`two methods are served as the JSON-RPC method ${JSON.stringify(name)}: give each its own name`);
    seen.add(name);
  }
  return Object.fromEntries(entries);
}
