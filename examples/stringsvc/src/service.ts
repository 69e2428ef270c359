// The business logic, Go kit's StringService: it knows nothing of transports or middleware.
import { Code, type Context, KitError } from "@kit/endpoint";

/** Operations on strings, Go kit's `StringService`. */
export interface StringService {
  /** `s` in upper case; an empty `s` fails with {@link ErrEmpty}. */
  uppercase(ctx: Context, s: string): Promise<string>;
  /** The length of `s` in bytes (UTF-8), as Go's `len(s)`. */
  count(ctx: Context, s: string): Promise<number>;
}

/** A decorator of a {@link StringService}, Go kit's `ServiceMiddleware`. */
export type ServiceMiddleware = (next: StringService) => StringService;

/** The message of the error uppercase gives for an empty string, Go kit's `ErrEmpty`. */
export const ErrEmpty = "empty string";

/**
 * The plain implementation, Go kit's `stringService{}`.
 *
 * @example
 * ```ts
 * await stringService().uppercase(background(), "hello"); // "HELLO"
 * ```
 */
export function stringService(): StringService {
  return {
    uppercase(_ctx, s) {
      if (s === "") return Promise.reject(new KitError(Code.InvalidArgument, ErrEmpty));
      return Promise.resolve(s.toUpperCase());
    },
    count(_ctx, s) {
      return Promise.resolve(Buffer.byteLength(s, "utf8"));
    },
  };
}
