/**
 * The transport-neutral error codes: gRPC's canonical set, spelled in snake case.
 *
 * Every Kit transport maps these both ways (HTTP status, gRPC status, a header on message
 * transports), so a code thrown on one side arrives as the same code on the other.
 *
 * @example
 * ```ts
 * throw new KitError(Code.NotFound, "no such order");
 * ```
 */
export const Code = {
  /** The operation was canceled, typically by the caller. */
  Canceled: "canceled",
  /** An error with no better code; also what an unrecognised thrown value becomes. */
  Unknown: "unknown",
  /** The caller sent something invalid, whatever the state of the system. */
  InvalidArgument: "invalid_argument",
  /** The deadline passed before the operation could finish. */
  DeadlineExceeded: "deadline_exceeded",
  /** A requested entity was not found. */
  NotFound: "not_found",
  /** The entity a caller tried to create exists already. */
  AlreadyExists: "already_exists",
  /** The caller is known but may not do this. */
  PermissionDenied: "permission_denied",
  /** A resource, such as a quota or a rate limit, is exhausted. */
  ResourceExhausted: "resource_exhausted",
  /** The system is not in the state the operation needs. */
  FailedPrecondition: "failed_precondition",
  /** The operation was aborted, typically by a concurrency conflict. */
  Aborted: "aborted",
  /** The operation went past a valid range. */
  OutOfRange: "out_of_range",
  /** The operation is not implemented or not supported. */
  Unimplemented: "unimplemented",
  /** An invariant of the system is broken. */
  Internal: "internal",
  /** The service is unavailable for now; retrying may succeed. */
  Unavailable: "unavailable",
  /** Unrecoverable data loss or corruption. */
  DataLoss: "data_loss",
  /** The caller has no valid credentials. */
  Unauthenticated: "unauthenticated",
} as const;

/** One of the error codes in {@link Code}. */
export type Code = (typeof Code)[keyof typeof Code];

const codes: ReadonlySet<string> = new Set(Object.values(Code));

/** Whether a string is one of the codes in {@link Code}, for decoding codes from the wire. */
export function isCode(value: unknown): value is Code {
  return typeof value === "string" && codes.has(value);
}

const retryable: ReadonlySet<Code> = new Set<Code>([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
]);

/**
 * Whether a failure with this code may succeed when tried again: `unavailable`,
 * `deadline_exceeded`, `resource_exhausted` and `aborted` are; every other code is not.
 * Retry middleware and the message subscribers read this to choose between retrying and
 * dead-lettering.
 */
export function isRetryable(code: Code): boolean {
  return retryable.has(code);
}

/** Options for a {@link KitError}. */
export interface KitErrorOptions {
  /** Structured details a client may read, such as the field that failed validation. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error, kept for logs; transports never send it over the wire. */
  readonly cause?: unknown;
}

const brand = Symbol.for("@kit/endpoint.KitError");

/**
 * An error with a transport-neutral {@link Code}, a message and optional details.
 *
 * Throw it from a service or an endpoint; every transport turns it into the matching status
 * on the wire and back into a `KitError` with the same code in a Kit client.
 *
 * @example
 * ```ts
 * if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
 * ```
 */
export class KitError extends Error {
  /** The error's code. */
  readonly code: Code;
  /** Structured details, sent to clients by transports that can carry them. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - the error's code
   * @param message - a message for the caller; it crosses the wire
   * @param options - details and cause
   */
  constructor(code: Code, message: string, options: KitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KitError";
    this.code = code;
    this.details = options.details;
  }
}

// The brand marks Kit errors across copies of this package (each copy's prototype carries the
// same registered symbol); read it through isKitError.
Object.defineProperty(KitError.prototype, brand, { value: true });

/**
 * Whether a value is a {@link KitError}, including one made by another copy of
 * `@kit/endpoint` (packages are versioned independently, so `instanceof` alone is not enough).
 */
export function isKitError(value: unknown): value is KitError {
  return (
    value instanceof KitError ||
    (typeof value === "object" && value !== null && (value as Partial<Record<symbol, unknown>>)[brand] === true)
  );
}

/**
 * Turns any thrown value into a {@link KitError}: a `KitError` is returned as it is; an
 * `AbortError` becomes `canceled` and a `TimeoutError` `deadline_exceeded`; anything else
 * becomes `fallback` (default `unknown`) with the value's message and the value as `cause`.
 *
 * @example
 * ```ts
 * try { await next(ctx, req); } catch (err) { const e = toKitError(err); log("code", e.code); throw e; }
 * ```
 */
export function toKitError(value: unknown, fallback: Code = Code.Unknown): KitError {
  if (isKitError(value)) return value;
  if (value instanceof Error) {
    if (value.name === "AbortError") return new KitError(Code.Canceled, value.message, { cause: value });
    if (value.name === "TimeoutError") return new KitError(Code.DeadlineExceeded, value.message, { cause: value });
    return new KitError(fallback, value.message, { cause: value });
  }
  return new KitError(fallback, typeof value === "string" ? value : describe(value), { cause: value });
}

function describe(value: unknown): string {
  try {
    const json = JSON.stringify(value) as string | undefined;
    return `non-error thrown: ${json ?? String(value)}`;
  } catch {
    return "non-error thrown";
  }
}
