import { timeoutHeader } from "@kit/transport/driver";

/**
 * The user property Kit's MQTT publisher adds to a message that carries a deadline
 * (`kit-timeout`): when it was published, in milliseconds since the epoch. MQTT carries no send
 * time, so without it the time a message waited in the broker would not count against its
 * deadline.
 */
export const sentAtHeader = "kit-sent-at";

/**
 * Stamps `headers` with the publish time, when they carry a `kit-timeout` (a message without a
 * deadline needs none).
 *
 * @param headers - the outgoing message's headers
 */
export function stampSendTime(headers: Map<string, string>): void {
  if (headers.has(timeoutHeader)) headers.set(sentAtHeader, String(Date.now()));
}

/**
 * Takes the time a message waited since it was published (its `kit-sent-at`) off its
 * `kit-timeout`, so a caller's deadline is not stretched by the time the message waited in the
 * broker: one that waited it out arrives with `kit-timeout: 0`. Leaves the headers as they are
 * without both, with a `kit-sent-at` that is not a time in the past (a publisher's clock ahead of
 * ours) or with a malformed `kit-timeout` (which the runtime refuses).
 *
 * @param headers - a received message's headers
 * @param now - the time it was received
 */
export function spendTimeInBroker(headers: Map<string, string>, now: number): void {
  const timeout = headers.get(timeoutHeader);
  const sent = headers.get(sentAtHeader);
  if (sent === undefined || !/^\d{1,8}$/.test(timeout ?? "")) return;
  const waited = now - Number(sent);
  if (!(waited > 0)) return;
  headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - waited)));
}
