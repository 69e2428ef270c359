import { Code, isKitError, KitError } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";

/**
 * SQS's error names (the AWS SDK's `error.name`, a batch entry's `Code`) and the Kit code each
 * means to a caller: the one table the publisher, the reply queue and the subscriber use, and the
 * README shows. A name not listed falls back on how the SDK classed it (see {@link fromSqsError}).
 */
export const sqsErrorCodes: ReadonlyMap<string, Code> = new Map<string, Code>(Object.entries({
  // the queue is not there
  QueueDoesNotExist: Code.NotFound,
  "AWS.SimpleQueueService.NonExistentQueue": Code.NotFound,
  ResourceNotFoundException: Code.NotFound,
  // who may do what
  AccessDenied: Code.PermissionDenied,
  AccessDeniedException: Code.PermissionDenied,
  InvalidSecurity: Code.PermissionDenied,
  KmsAccessDenied: Code.PermissionDenied,
  // who is asking
  UnrecognizedClientException: Code.Unauthenticated,
  InvalidClientTokenId: Code.Unauthenticated,
  SignatureDoesNotMatch: Code.Unauthenticated,
  IncompleteSignature: Code.Unauthenticated,
  MissingAuthenticationToken: Code.Unauthenticated,
  ExpiredToken: Code.Unauthenticated,
  ExpiredTokenException: Code.Unauthenticated,
  CredentialsProviderError: Code.Unauthenticated,
  // slow down
  RequestThrottled: Code.ResourceExhausted,
  ThrottlingException: Code.ResourceExhausted,
  Throttling: Code.ResourceExhausted,
  OverLimit: Code.ResourceExhausted,
  KmsThrottled: Code.ResourceExhausted,
  // the request itself is wrong
  InvalidParameterValue: Code.InvalidArgument,
  InvalidAttributeName: Code.InvalidArgument,
  InvalidAttributeValue: Code.InvalidArgument,
  InvalidMessageContents: Code.InvalidArgument,
  InvalidBatchEntryId: Code.InvalidArgument,
  BatchEntryIdsNotDistinct: Code.InvalidArgument,
  BatchRequestTooLong: Code.InvalidArgument,
  EmptyBatchRequest: Code.InvalidArgument,
  TooManyEntriesInBatchRequest: Code.InvalidArgument,
  MissingParameter: Code.InvalidArgument,
  InvalidAddress: Code.InvalidArgument,
  InvalidIdFormat: Code.InvalidArgument,
  // the state does not allow it
  ReceiptHandleIsInvalid: Code.FailedPrecondition,
  MessageNotInflight: Code.FailedPrecondition,
  QueueDeletedRecently: Code.FailedPrecondition,
  PurgeQueueInProgress: Code.FailedPrecondition,
  KmsDisabled: Code.FailedPrecondition,
  KmsInvalidState: Code.FailedPrecondition,
  KmsNotFound: Code.FailedPrecondition,
  KmsOptInRequired: Code.FailedPrecondition,
  KmsInvalidKeyUsage: Code.FailedPrecondition,
  QueueNameExists: Code.AlreadyExists,
  UnsupportedOperation: Code.Unimplemented,
  // SQS itself failed
  ServiceUnavailable: Code.Unavailable,
  InternalFailure: Code.Unavailable,
  InternalError: Code.Unavailable,
  RequestTimeout: Code.Unavailable,
  // the SDK's own: a socket that timed out, a response that never came
  TimeoutError: Code.Unavailable,
  RequestTimeoutException: Code.Unavailable,
}));

/** Node's and undici's codes for a connection that failed: SQS cannot be reached. */
const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ERR_HTTP2_STREAM_ERROR",
]);

/** What the AWS SDK puts on the errors it throws. */
interface SdkError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: { readonly throttling?: unknown };
}

/**
 * The Kit code of an AWS SDK failure: by {@link sqsErrorCodes}; else a network error (no
 * answer: `ECONNREFUSED`, `ETIMEDOUT`…) or a 5xx is `unavailable`; a throttling error the SDK
 * marks retryable is `resource_exhausted`; another 4xx follows `codeFromHttpStatus`; the SDK's
 * abort is `canceled`; anything else `unknown`.
 */
export function sqsErrorCode(thrown: unknown): Code {
  if (typeof thrown !== "object" || thrown === null) return Code.Unknown;
  const err = thrown as SdkError;
  const byName = typeof err.name === "string" ? sqsErrorCodes.get(err.name) : undefined;
  if (byName !== undefined) return byName;
  if (err.name === "AbortError") return Code.Canceled;
  if (typeof err.code === "string" && (networkCodes.has(err.code) || err.code.startsWith("UND_ERR_"))) return Code.Unavailable;
  if (err.$retryable?.throttling === true) return Code.ResourceExhausted;
  const status = err.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return Code.Unavailable;
  if (typeof status === "number" && status >= 400) return codeFromHttpStatus(status);
  if (err.$fault === "server") return Code.Unavailable;
  return Code.Unknown;
}

/**
 * An AWS SDK failure as a `KitError` with the code {@link sqsErrorCode} gives, saying what was
 * being done: `SQS <what>: <the SDK's message>`. A `KitError` is returned as it is.
 *
 * @param thrown - what the SDK threw
 * @param what - the call and its queue, such as `send to <queue URL>`
 */
export function fromSqsError(thrown: unknown, what: string): KitError {
  if (isKitError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new KitError(sqsErrorCode(thrown), `SQS ${what}: ${message}`, { cause: thrown });
}

/** One entry of a `*Batch` call that failed, as SQS reports it. */
export interface BatchFailure {
  readonly Code?: string | undefined;
  readonly Message?: string | undefined;
  readonly SenderFault?: boolean | undefined;
}

/**
 * A failed entry of a `*Batch` call as a `KitError`: by its `Code` in {@link sqsErrorCodes}, else
 * `invalid_argument` when SQS says it was the sender's fault and `unavailable` when it was SQS's.
 */
export function fromBatchFailure(failure: BatchFailure, what: string): KitError {
  const known = failure.Code === undefined ? undefined : sqsErrorCodes.get(failure.Code);
  const code = known ?? (failure.SenderFault === true ? Code.InvalidArgument : Code.Unavailable);
  return new KitError(code, `SQS ${what}: ${failure.Message ?? failure.Code ?? "no result"}`);
}
