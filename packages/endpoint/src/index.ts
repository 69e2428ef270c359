/**
 * Kit's core contracts, with no dependencies: the {@link Context} every call carries, the
 * {@link Endpoint} and {@link Middleware} shapes, {@link chain}, and {@link KitError} with its
 * transport-neutral {@link Code}s.
 *
 * @packageDocumentation
 */
export {
  background,
  contextKey,
  timeRemaining,
  withCancel,
  withDeadline,
  withTimeout,
  withValue,
  withoutCancel,
  type CancelFunc,
  type Context,
  type ContextKey,
} from "./context.ts";
export type { BidiStreamEndpoint, ClientStreamEndpoint, Endpoint, ServerStreamEndpoint } from "./endpoint.ts";
export { Code, isCode, isKitError, isRetryable, KitError, toKitError, type KitErrorOptions } from "./error.ts";
export { chain, type Middleware } from "./middleware.ts";
export { timeout } from "./timeout.ts";
export { untilAborted } from "./until-aborted.ts";
