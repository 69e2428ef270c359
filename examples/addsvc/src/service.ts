import { Code, KitError, type Context } from "@kit/endpoint";

/**
 * A service that adds things together: Go kit's `addservice.Service`. It knows nothing of
 * endpoints or transports; a broken business rule is a thrown {@link @kit/endpoint#KitError}.
 *
 * The tags tell kitgen (`pnpm gen` writes `src/generated/` from this interface) Go kit's wire: its
 * JSON (`@goJSON`: read as Go's `encoding/json` fills `addendpoint.SumRequest`, keys in any case,
 * a missing field `0`, Go's error messages; the result in `{"v":…}`; the error body's `error`),
 * its protobuf and gRPC service `pb.Add` (`int64`, a business error in the reply's `err` with
 * status OK), and its HTTP routes, which take any method, as Go's `http.ServeMux` does.
 *
 * @resultField v
 * @protoPackage pb
 * @protoService Add
 * @errorField err
 * @goJSON addendpoint
 * @jsonErrorField error
 */
export interface AddService {
  /**
   * Sums two integers; the result must fit Go kit's [{@link intMin}, {@link intMax}].
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

/** The largest sum: Go kit's `intMax = 1<<31 - 1`, checked although Go's `int` is 64-bit. */
export const intMax = 2 ** 31 - 1;

/** The smallest sum: Go kit's `intMin = -(intMax + 1)`. */
export const intMin = -(2 ** 31);

/** The longest concatenation, in UTF-8 bytes (Go's `len`): Go kit's `maxLen`. */
export const maxLen = 10;

/** The messages of the service's errors: Go kit's three, byte for byte, and two for inputs Go's types rule out. */
export const ErrorMessage = {
  /** Go kit's `ErrTwoZeroes`: `sum(0, 0)`, `invalid_argument`. */
  twoZeroes: "can't sum two zeroes",
  /** Go kit's `ErrIntOverflow`: a sum outside [`intMin`, `intMax`], `out_of_range`. */
  intOverflow: "integer overflow",
  /** Go kit's `ErrMaxSizeExceeded`: a concatenation over `maxLen` bytes, `out_of_range`. */
  maxSizeExceeded: "result exceeds maximum size",
  /** A sum argument that is not a safe integer, `invalid_argument`. */
  notInteger: "sum arguments must be safe integers",
  /** A concat argument that is not a string, `invalid_argument`. */
  notString: "concat arguments must be strings",
} as const;

/**
 * The code of one of our errors that came back as its message alone (Go kit's `{"error": …}`
 * body, its gRPC reply's `err`); `undefined` for another message.
 *
 * @param message - the error's message
 */
export function codeOfMessage(message: string): Code | undefined {
  if (message === ErrorMessage.intOverflow || message === ErrorMessage.maxSizeExceeded) return Code.OutOfRange;
  const ours = message === ErrorMessage.twoZeroes || message.startsWith(ErrorMessage.notInteger) || message.startsWith(ErrorMessage.notString);
  return ours ? Code.InvalidArgument : undefined;
}

/**
 * A naïve, stateless {@link AddService} with Go kit's rules in Go kit's order: `sum` refuses an
 * argument that is not a safe integer (its exact value is unknown), then two zeroes, then a sum
 * outside [{@link intMin}, {@link intMax}]; `concat` refuses what is not a string (plain
 * JavaScript callers), then a result over {@link maxLen} UTF-8 bytes (`"é"` counts 2).
 */
export function newBasicService(): AddService {
  return {
    sum: (_ctx, a, b) => settle(() => sum(a, b)),
    concat: (_ctx, a, b) => settle(() => concat(a, b)),
  };
}

/** What `fn` returns as a promise, what it throws as a rejection. */
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
  const v = a + b; // within 2^54, so exact near the bounds
  if (v > intMax || v < intMin) throw new KitError(Code.OutOfRange, ErrorMessage.intOverflow);
  return v;
}

function concat(a: unknown, b: unknown): string {
  if (typeof a !== "string" || typeof b !== "string") throw new KitError(Code.InvalidArgument, `${ErrorMessage.notString}, got ${typeof a} and ${typeof b}`);
  if (Buffer.byteLength(a) + Buffer.byteLength(b) > maxLen) throw new KitError(Code.OutOfRange, ErrorMessage.maxSizeExceeded);
  return a + b;
}
