import { Code, KitError, timeRemaining, type Context } from "@kit/endpoint";
import type { HeaderCarrier } from "./carrier.ts";

/**
 * The header that carries a call's remaining time budget to the next hop, on every transport
 * except gRPC (which has `grpc-timeout`). Its value is whole milliseconds as 1 to 8 ASCII
 * digits, like `grpc-timeout` without the unit: `kit-timeout: 1500` means 1.5 s are left.
 */
export const timeoutHeader = "kit-timeout";

const maxTimeout = 99_999_999;

/**
 * Writes the time left before `ctx`'s deadline to the `kit-timeout` header, rounded down so a
 * hop never gets more time than its caller had (at most 99 999 999 ms, about 27 hours). Does
 * nothing when `ctx` has no deadline.
 *
 * @param ctx - the caller's context
 * @param carrier - the outgoing message's headers
 *
 * @example
 * ```ts
 * const headers = new Headers();
 * writeTimeout(ctx, headers); // kit-timeout: 1999
 * ```
 */
export function writeTimeout(ctx: Context, carrier: HeaderCarrier): void {
  const left = timeRemaining(ctx);
  if (left === undefined) return;
  carrier.set(timeoutHeader, String(Math.min(maxTimeout, Math.floor(left))));
}

/**
 * Reads the `kit-timeout` header: the milliseconds the caller has left, or `undefined` when
 * the header is absent. A malformed value (anything but 1 to 8 digits) is refused with a
 * {@link KitError} coded `invalid_argument`, rather than silently running the
 * call without the caller's deadline.
 *
 * @param carrier - the incoming message's headers
 *
 * @example
 * ```ts
 * const ms = readTimeout(headers);
 * const [ctx, cancel] = ms === undefined ? withCancel(background()) : withTimeout(background(), ms);
 * ```
 */
export function readTimeout(carrier: HeaderCarrier): number | undefined {
  const value = carrier.get(timeoutHeader);
  if (value === null || value === undefined || value === "") return undefined;
  if (!isMilliseconds(value)) {
    const shown = value.length > 32 ? `${value.slice(0, 32)}…` : value;
    throw new KitError(
      Code.InvalidArgument,
      `malformed ${timeoutHeader} header ${JSON.stringify(shown)}: want whole milliseconds as 1 to 8 digits`,
    );
  }
  let ms = 0;
  for (let i = 0; i < value.length; i++) ms = ms * 10 + value.charCodeAt(i) - zero;
  return ms;
}

const zero = 48; // "0"

/** Whether `value` is 1 to 8 ASCII digits; a loop, since every message with a deadline asks. */
function isMilliseconds(value: string): boolean {
  if (value.length > 8) return false;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - zero;
    if (digit < 0 || digit > 9) return false;
  }
  return true;
}
