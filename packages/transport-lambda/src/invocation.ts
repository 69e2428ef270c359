/**
 * The part of the Lambda context object this package reads: the Node runtime's `context`
 * argument (and `@types/aws-lambda`'s `Context`) has it. Anything else on the object is left
 * alone.
 */
export interface InvocationContext {
  /** How many milliseconds are left before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number;
  /** The invocation's id. */
  readonly awsRequestId?: string;
}

/**
 * When the invocation must be over, as epoch milliseconds, keeping `reserve` ms back to write
 * the answer; `undefined` when there is no usable Lambda context (a handler called by hand).
 *
 * @param context - the Lambda context object, as the runtime passed it
 * @param reserve - milliseconds kept back from the remaining time
 * @internal
 */
export function invocationDeadline(context: unknown, reserve: number): number | undefined {
  const remaining = (context as Partial<InvocationContext> | null | undefined)?.getRemainingTimeInMillis;
  if (typeof remaining !== "function") return undefined;
  const ms = remaining.call(context);
  if (typeof ms !== "number" || !Number.isFinite(ms)) return undefined;
  return Date.now() + Math.max(0, ms - reserve);
}
