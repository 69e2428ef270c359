import type { Message } from "@kit/transport";
import { timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import type { Envelope, Queue } from "./queue.ts";
import type { BrokerState } from "./state.ts";

/** The runtime's view of an in-memory delivery. */
export interface MemoryMessage extends Message {
  readonly id: number;
}

/** The {@link MessageDriver} for one subscriber (`consumer`) on one queue. */
export function memoryDriver(state: BrokerState, queue: Queue, consumer: object): MessageDriver<MemoryMessage> {
  return {
    retry: "redeliver",
    async receive(max, signal) {
      const envelopes = await queue.receive(max, signal, consumer);
      return envelopes.map(
        (envelope): MemoryMessage => ({
          id: envelope.id,
          body: envelope.body,
          headers: lessQueueTime(envelope),
          attempt: envelope.attempt,
          reply: envelope.reply,
        }),
      );
    },
    ack: (message) =>
      settled(() => {
        queue.ack(message.id);
      }),
    retryLater: (message, delay) =>
      settled(() => {
        queue.retryLater(message.id, delay);
      }),
    release: (message) =>
      settled(() => {
        queue.release(message.id);
      }),
    deadLetter: (message, headers) =>
      settled(() => {
        queue.deadLetter(message.id, headers);
      }),
    deadLetterTruncated: (message, headers) =>
      settled(() => {
        queue.deadLetterTruncated(message.id, headers);
      }),
    reply: (message, reply) =>
      settled(() => {
        if (message.reply !== undefined) state.reply(message.reply, { body: reply.body, headers: new Map(reply.headers) });
      }),
  };
}

/**
 * The message's headers, with its time in the queue taken off its `kit-timeout`: the caller's
 * budget was counted from when it published, so a message that waited longer than that arrives
 * with `kit-timeout: 0` and the runtime dead-letters it without running it.
 */
function lessQueueTime(envelope: Envelope): Map<string, string> {
  const headers = new Map(envelope.headers);
  const timeout = headers.get(timeoutHeader);
  if (timeout !== undefined && /^\d{1,8}$/.test(timeout)) {
    headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - (Date.now() - envelope.sentAt))));
  }
  return headers;
}

function settled(action: () => void): Promise<void> {
  try {
    action();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err); // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors -- rethrown as it came
  }
}
