import { Code, isKitError, KitError } from "@kit/endpoint";
import {
  AbortError,
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
  WatchError,
} from "redis";

/**
 * The first word of a Redis error reply (`NOGROUP No such key…`) and the Kit code it means to a
 * caller: the one table the publisher, the reply stream and the subscriber use, and the README
 * shows. `ERR` replies are read by their text (see {@link fromRedisError}).
 */
export const redisReplyCodes: ReadonlyMap<string, Code> = new Map<string, Code>(Object.entries({
  NOGROUP: Code.NotFound,
  BUSYGROUP: Code.AlreadyExists,
  WRONGTYPE: Code.FailedPrecondition,
  NOSCRIPT: Code.FailedPrecondition,
  NOAUTH: Code.Unauthenticated,
  WRONGPASS: Code.Unauthenticated,
  NOPERM: Code.PermissionDenied,
  OOM: Code.ResourceExhausted,
  LOADING: Code.Unavailable,
  BUSY: Code.Unavailable,
  MASTERDOWN: Code.Unavailable,
  READONLY: Code.Unavailable,
  TRYAGAIN: Code.Unavailable,
  CLUSTERDOWN: Code.Unavailable,
  MOVED: Code.Unavailable,
  ASK: Code.Unavailable,
  EXECABORT: Code.Aborted,
}));

/** node-redis's own errors and the Kit code each means, most specific first (a subclass is found by its parent). */
export const clientErrorCodes: readonly (readonly [new (...args: never[]) => Error, Code])[] = [
  [ClientClosedError, Code.FailedPrecondition],
  [ClientOfflineError, Code.Unavailable],
  [DisconnectsClientError, Code.Unavailable],
  [SocketClosedUnexpectedlyError, Code.Unavailable],
  [ConnectionTimeoutError, Code.Unavailable],
  [SocketTimeoutError, Code.Unavailable],
  [ReconnectStrategyError, Code.Unavailable],
  [RootNodesUnavailableError, Code.Unavailable],
  [TimeoutError, Code.DeadlineExceeded],
  [AbortError, Code.Canceled],
  [WatchError, Code.Aborted],
];

/** Socket errors (`ECONNREFUSED`…): Redis cannot be reached. */
const socketErrors = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;

/**
 * Turns anything node-redis throws into a `KitError` whose message says what was being done
 * (`Redis XADD orders: …`) and whose code follows the package's table; the original error is its
 * `cause`. A `KitError` passes through.
 *
 * @param thrown - what node-redis threw
 * @param what - what was being done, such as `XADD orders`
 */
export function fromRedisError(thrown: unknown, what: string): KitError {
  if (isKitError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new KitError(codeOf(thrown, message), `Redis ${what}: ${message}`, { cause: thrown });
}

/**
 * Whether `thrown` is a `kind`: by `instanceof`, or by the names of its classes, so that an error
 * from another copy of node-redis (an app's own `redis`, resolved apart from this package's) is
 * read the same.
 */
function isA(thrown: Error, kind: new (...args: never[]) => Error): boolean {
  if (thrown instanceof kind) return true;
  for (let proto: unknown = Object.getPrototypeOf(thrown); proto !== null && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === kind.name) return true;
  }
  return false;
}

function codeOf(thrown: unknown, message: string): Code {
  if (!(thrown instanceof Error)) return Code.Unknown;
  const byClass = clientErrorCodes.find(([kind]) => isA(thrown, kind));
  if (byClass !== undefined) return byClass[1];
  const errno = (thrown as { code?: unknown }).code;
  if (typeof errno === "string" && socketErrors.test(errno)) return Code.Unavailable;
  if (!isA(thrown, ErrorReply)) return Code.Unknown;
  const word = /^[A-Z]+/.exec(message)?.[0] ?? "";
  const byWord = redisReplyCodes.get(word);
  if (byWord !== undefined) return byWord;
  if (/no such key|requires the key to exist/i.test(message)) return Code.NotFound;
  if (/unknown command/i.test(message)) return Code.Unimplemented;
  if (/syntax error|wrong number of arguments|invalid|not an integer|out of range/i.test(message)) return Code.InvalidArgument;
  return Code.Internal;
}
