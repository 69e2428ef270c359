import { isRetryable, type KitError } from "@kit/endpoint";
import type { RetryMode } from "../../message-driver.ts";

/**
 * Where an attempt failed, which decides whether trying again can help:
 *
 * - `"arrival"`: before anything ran, because the message's deadline was gone when it was
 *   received (`kit-timeout: 0`); nothing can change that;
 * - `"decode"`: the message could not be decoded (or its `kit-timeout` is malformed); the
 *   same bytes will not decode next time;
 * - `"endpoint"`: a `before` hook, the endpoint, an `after` hook or the encoder failed;
 * - `"reply"`: the endpoint succeeded but the reply could not be sent.
 */
export type Stage = "arrival" | "decode" | "endpoint" | "reply";

/** Why an attempt failed, as the decision needs it. */
export interface Failure {
  /** The error, with its real text: what the error handler and a dead letter get. */
  readonly error: KitError;
  /** What was thrown, from which the answer to a request is made (see `publicError`). */
  readonly thrown: unknown;
  /** Where it failed. */
  readonly stage: Stage;
  /** Whether the attempt was ended by the message's own deadline. */
  readonly timedOut: boolean;
}

/** What is known about a delivery when its attempt ends: everything {@link decide} reads. */
export interface Situation {
  /** Why the attempt failed; `undefined` when it succeeded. */
  readonly failure: Failure | undefined;
  /** Which attempt it was, counting from 1. */
  readonly attempt: number;
  /** How many attempts a message gets. */
  readonly maxAttempts: number;
  /** How the broker tries a message again. */
  readonly retry: RetryMode;
  /** Whether the message is a request: it has a reply address and the driver can reply. */
  readonly request: boolean;
  /** Whether the subscriber is closing, so a message cannot wait here to be tried again. */
  readonly closing: boolean;
}

/**
 * What happens to a delivery once its attempt ended:
 *
 * - `"ack"`: it was handled; acknowledge it;
 * - `"answer"`: a request failed for good: answer its caller with the error, then acknowledge
 *   it (the answer is its settlement: the caller decides what to do);
 * - `"retry"`: try it again after `delay` ms, by redelivery or in place (see {@link RetryMode});
 * - `"dead-letter"`: it failed for good and nobody was told: move it to the dead letter;
 * - `"release"`: give it back unhandled (`close()` came while it waited to be retried in place).
 */
export type Decision =
  | { readonly action: "ack" }
  | { readonly action: "answer"; readonly error: KitError; readonly failure: Failure }
  | { readonly action: "retry"; readonly error: KitError; readonly delay: number; readonly inPlace: boolean }
  | { readonly action: "dead-letter"; readonly error: KitError }
  | { readonly action: "release" };

/** The decision for every success: shared, so a handled message costs no object for it. */
export const ack: Decision = Object.freeze({ action: "ack" });
const release: Decision = Object.freeze({ action: "release" });

/**
 * Decides what happens to a delivery whose attempt ended, from what is known then, and nothing
 * else: no clock, no broker, no state. The table (README, "The decision"):
 *
 * | the attempt | a request | any other message |
 * |---|---|---|
 * | succeeded | ack | ack |
 * | the deadline was gone on arrival | dead-letter `deadline_exceeded` | the same |
 * | failed to decode | answer the error, ack | dead-letter |
 * | the reply failed | retry while attempts are left, then dead-letter | (has no reply) |
 * | retryable error, attempts left | retry after `backoff(attempt)` (in place while closing: release) | the same |
 * | non-retryable error, or the last attempt | answer the error, ack | dead-letter |
 *
 * @param situation - the attempt's outcome and the message's place in its retries
 * @param backoff - the wait before attempt `n + 1`, in milliseconds
 */
export function decide(situation: Situation, backoff: (attempt: number) => number): Decision {
  const { failure } = situation;
  if (failure === undefined) return ack;
  const { error, stage } = failure;
  if (stage === "arrival") return { action: "dead-letter", error };
  if (mayRetry(failure) && situation.attempt < situation.maxAttempts) {
    const inPlace = situation.retry === "in-place";
    if (inPlace && situation.closing) return release;
    return { action: "retry", error, delay: Math.max(0, backoff(situation.attempt)), inPlace };
  }
  // An answer that could not be sent cannot be sent as an error either: nobody was told.
  if (situation.request && stage !== "reply") return { action: "answer", error, failure };
  return { action: "dead-letter", error };
}

/** Whether trying again could help: a retryable code, from a stage whose input can change. */
function mayRetry({ error, stage, timedOut }: Failure): boolean {
  if (stage === "decode" && !timedOut) return false; // the same bytes decode the same way
  return isRetryable(error.code);
}
