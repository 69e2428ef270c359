import { timeoutHeader } from "./timeout.ts";

/**
 * The header a Kit publisher stamps next to `kit-timeout` on a broker that records no arrival
 * time of its own (RabbitMQ, whose `timestamp` property is whole seconds; MQTT, which has none):
 * when it sent the message, in milliseconds since the Unix epoch (decimal digits, its own clock).
 */
export const sentAtHeader = "kit-sent-at";

/** At most 15 digits: epoch milliseconds until the year 33658, and no float rounding. */
const epochMillis = /^\d{1,15}$/;
const wholeMillis = /^\d{1,8}$/;

/**
 * Stamps `kit-sent-at` with `now` on a message that carries a `kit-timeout` (only then is it read).
 *
 * @param headers - the outgoing message's headers
 * @param now - the send time, epoch milliseconds; the clock is read only when needed (not for
 *   every message without `kit-timeout`: a default parameter's `Date.now()` would be)
 */
export function stampSentAt(headers: Map<string, string>, now?: number): void {
  if (headers.has(timeoutHeader)) headers.set(sentAtHeader, String(Math.floor(now ?? Date.now())));
}

/**
 * Takes the time a message waited in the queue off its `kit-timeout`: the caller's budget was
 * counted from `kit-sent-at`, so a message that waited out its deadline arrives with
 * `kit-timeout: 0`, and the runtime dead-letters it as `deadline_exceeded` without running it.
 * It compares the publisher's clock with this host's, so it assumes they agree (NTP, within a few
 * milliseconds): a publisher clock ahead of ours gives a negative wait, counted as 0 (the
 * deadline is then the relative one, as without the stamp); one behind shortens the deadline by
 * the difference. Nothing changes without both headers, or when either is malformed (the runtime
 * refuses a malformed `kit-timeout` itself; a malformed `kit-sent-at` is ignored).
 *
 * @param headers - a received message's headers
 * @param now - when it was received, epoch milliseconds; the clock is read only when both headers are there
 */
export function spendTimeInQueue(headers: Map<string, string>, now?: number): void {
  const timeout = headers.get(timeoutHeader);
  const sentAt = headers.get(sentAtHeader);
  if (timeout === undefined || sentAt === undefined || !wholeMillis.test(timeout) || !epochMillis.test(sentAt)) return;
  const waited = Math.max(0, (now ?? Date.now()) - Number(sentAt));
  headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - waited)));
}
