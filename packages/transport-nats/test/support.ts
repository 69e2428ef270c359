// Shared by the integration tests: connections to the real NATS server, unique names, sleeping
// (a wait for a condition is @kit/test-support's until).
import { randomBytes } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";

/** The server the integration tests use: `NATS_URL`, or the local one. They fail (never skip) without it. */
export const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** A new connection to the test server; close it in the test. */
export function connectNats(): Promise<NatsConnection> {
  return connect({ servers: natsUrl, name: "kit-transport-nats-test", timeout: 5_000 });
}

/** A name no other test run uses, such as `kit_test_9f3a1c2b` (valid as a subject token and a stream name). */
export function unique(prefix = "kit_test"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve function, for gating endpoints in tests. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Runs `count` tasks with at most `parallel` at once, and returns their results in order. */
export async function inBatches<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
