// The Sum and Concat routes as a user writes them without kitgen, for kitgen.bench.ts: Kit's
// HTTP server and router, a decoder that checks the request by hand (each field by name, as the
// generated validators do: `invalid_argument` naming it), the same middleware (`observe`), and
// the result written as JSON.
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { observe, type MiddlewareOptions } from "@kit/metrics/middleware";
import { decodeJSON, encodeJSON, router, server, type DecodeRequest, type Handler } from "@kit/transport-http";
import type { AddService } from "../../examples/addsvc/src/service.ts";

/** A request of two operands of one type. */
interface Pair<T> {
  readonly a: T;
  readonly b: T;
}

/** A decoder that reads JSON and checks that `a` and `b` are what `is` accepts, naming the field that is not. */
function pairOf<T>(is: (value: unknown) => value is T, expected: string): DecodeRequest<Pair<T>> {
  const json = decodeJSON();
  return async (ctx, req) => {
    const body = await json(ctx, req);
    if (typeof body !== "object" || body === null) throw new KitError(Code.InvalidArgument, "request: expected an object");
    const fields = body as Record<string, unknown>;
    for (const field of ["a", "b"] as const) {
      if (!is(fields[field])) throw new KitError(Code.InvalidArgument, `${field}: expected ${expected}`);
    }
    return fields as unknown as Pair<T>;
  };
}

const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isString = (value: unknown): value is string => typeof value === "string";

/**
 * `POST /sum` and `POST /concat` over `svc`, each endpoint in `observe` (logging and metrics).
 *
 * @param svc - the service
 * @param options - the logger and metrics `observe` writes to
 */
export function handWrittenHandler(svc: AddService, options: MiddlewareOptions): Handler {
  const sum: Endpoint<Pair<number>, number> = (ctx, { a, b }) => svc.sum(ctx, a, b);
  const concat: Endpoint<Pair<string>, string> = (ctx, { a, b }) => svc.concat(ctx, a, b);
  return router([
    ["POST /sum", server(observe(options, "sum", sum), pairOf(isInteger, "an integer"), encodeJSON)],
    ["POST /concat", server(observe(options, "concat", concat), pairOf(isString, "a string"), encodeJSON)],
  ]);
}
