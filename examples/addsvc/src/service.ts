import { Code, KitError, type Context } from "@kit/endpoint";

/**
 * A service that adds things together: Go kit's `addservice.Service`. It knows nothing of
 * endpoints or transports; a broken business rule is a thrown {@link @kit/endpoint#KitError}.
 *
 * @example
 * ```ts
 * const svc = newBasicService();
 * await svc.sum(background(), 1, 2); // 3
 * await svc.concat(background(), "a", "b"); // "ab"
 * ```
 *
 * The tags are for kitgen, which writes `src/generated/` from this interface (`pnpm gen`): on the
 * wire, Go kit's JSON (read as Go's `encoding/json` fills `addendpoint.SumRequest`: keys in any
 * case, `{"A":1,"B":2}`, a missing field `0`, Go's own error messages; the result in `{"v":…}`) and its
 * protobuf (`int64`, the result in field 1, `v`), its gRPC service `pb.Add`, a business
 * error in the reply's `err` (field 2) with status OK, and its HTTP routes `/sum` and `/concat`,
 * which take any HTTP method, as Go's `http.ServeMux` does.
 *
 * @jsonCaseInsensitive
 * @resultField v
 * @protoPackage pb
 * @protoService Add
 * @errorField err
 * @goJSON addendpoint
 * @jsonErrorField error
 */
export interface AddService {
  /**
   * Sums two integers; the result must fit Go kit's `[intMin, intMax]`.
   *
   * @int64
   * @http ANY /sum
   */
  sum(ctx: Context, /** @int64 */ a: number, /** @int64 */ b: number): Promise<number>;
  /**
   * Concatenates two strings; the result may be at most {@link maxLen} UTF-8 bytes.
   *
   * @http ANY /concat
   */
  concat(ctx: Context, a: string, b: string): Promise<string>;
}

/**
 * The largest sum {@link AddService.sum} returns: `2^31 - 1`. Go kit's service checks the sum
 * against `intMax = 1<<31 - 1` even though Go's `int` is 64-bit, so this is the port's bound too.
 */
export const intMax = 2 ** 31 - 1;

/** The smallest sum {@link AddService.sum} returns: `-2^31`, Go kit's `intMin = -(intMax + 1)`. */
export const intMin = -(2 ** 31);

/** The longest result {@link AddService.concat} returns, in UTF-8 bytes (Go's `len`): Go kit's `maxLen = 10`. */
export const maxLen = 10;

/**
 * The messages of the service's errors. The first three are Go kit's, byte for byte, so a
 * peer that matches on the text sees the same strings; `notInteger` and `notString` guard
 * inputs that Go's type system rules out and JavaScript does not.
 */
export const ErrorMessage = {
  /** Go kit's `ErrTwoZeroes`: `sum(0, 0)`. Code `invalid_argument`. */
  twoZeroes: "can't sum two zeroes",
  /** Go kit's `ErrIntOverflow`: the sum is outside `[intMin, intMax]`. Code `out_of_range`. */
  intOverflow: "integer overflow",
  /** Go kit's `ErrMaxSizeExceeded`: the concatenation is over `maxLen` bytes. Code `out_of_range`. */
  maxSizeExceeded: "result exceeds maximum size",
  /** Not in Go kit: a sum argument that is not a safe integer. Code `invalid_argument`. */
  notInteger: "sum arguments must be safe integers",
  /** Not in Go kit: a concat argument that is not a string. Code `invalid_argument`. */
  notString: "concat arguments must be strings",
} as const;

/**
 * The code this port gives a business error that came back as its message alone (Go kit's
 * `str2err` over gRPC, its `{"error": …}` body over HTTP): `invalid_argument` or
 * `out_of_range` as {@link newBasicService} throws it; `undefined` for a message of no error of ours.
 *
 * @param message - the error's message
 */
export function codeOfMessage(message: string): Code | undefined {
  if (message === ErrorMessage.intOverflow || message === ErrorMessage.maxSizeExceeded) return Code.OutOfRange;
  const ours = message === ErrorMessage.twoZeroes || message.startsWith(ErrorMessage.notInteger) || message.startsWith(ErrorMessage.notString);
  return ours ? Code.InvalidArgument : undefined;
}

/**
 * A naïve, stateless {@link AddService} with Go kit's business rules, checked in Go kit's order:
 *
 * - `sum`: both arguments zero → `invalid_argument` "can't sum two zeroes"; a sum above
 *   {@link intMax} or below {@link intMin} → `out_of_range` "integer overflow". Before those,
 *   an argument that is not a safe integer (a fraction, `NaN`, beyond `2^53 - 1`) →
 *   `invalid_argument`, since its exact value, and so the rule, cannot be known.
 * - `concat`: a result longer than {@link maxLen} UTF-8 bytes → `out_of_range` "result
 *   exceeds maximum size" (bytes, as Go's `len`: `"é"` counts 2).
 *
 * @example
 * ```ts
 * await newBasicService().sum(background(), 0, 0); // throws KitError invalid_argument "can't sum two zeroes"
 * ```
 */
export function newBasicService(): AddService {
  return {
    sum: (_ctx, a, b) => settle(() => sum(a, b)),
    concat: (_ctx, a, b) => settle(() => concat(a, b)),
  };
}

/** The result of `fn` as a promise: a throw becomes a rejection, as the executor catches it. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(fn());
  });
}

function sum(a: number, b: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new KitError(Code.InvalidArgument, `${ErrorMessage.notInteger}, got a=${String(a)} b=${String(b)}`);
  }
  if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, ErrorMessage.twoZeroes);
  // Both are safe integers, so a + b is within 2^54 and rounds, if at all, far from the bounds.
  const v = a + b;
  if (v > intMax || v < intMin) throw new KitError(Code.OutOfRange, ErrorMessage.intOverflow);
  return v;
}

function concat(a: string, b: string): string {
  if (!isString(a) || !isString(b)) {
    throw new KitError(Code.InvalidArgument, `${ErrorMessage.notString}, got ${typeof a} and ${typeof b}`);
  }
  if (Buffer.byteLength(a, "utf8") + Buffer.byteLength(b, "utf8") > maxLen) {
    throw new KitError(Code.OutOfRange, ErrorMessage.maxSizeExceeded);
  }
  return a + b;
}

// Takes unknown: the types promise strings, but a caller in plain JavaScript may not keep that.
function isString(value: unknown): value is string {
  return typeof value === "string";
}
