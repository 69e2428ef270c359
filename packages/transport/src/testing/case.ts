import { background, withCancel, withTimeout, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import type { ErrorHandler } from "../error-handler.ts";
import type { Subscriber, SubscriberOptions } from "../subscriber-options.ts";
import type { CaseName, ConformanceHarness, Probe, ProbeReply } from "./harness.ts";
import type { Counts, Tally } from "./tally.ts";

/** One conformance case: what it needs from the harness and how it runs. */
export interface ConformanceCase {
  /** Its name, as `failing` and `lacks` refer to it. */
  readonly name: CaseName;
  /** The optional harness members it cannot run without. */
  readonly needs: readonly (keyof ConformanceHarness)[];
  /** A bound on its time, in milliseconds. */
  readonly timeout: number;
  /** Runs it; throws (an `AssertionError`) when the transport does not conform; returns what it counted. */
  run(harness: ConformanceHarness): Promise<Counts | undefined>;
}

/** An error handler that keeps what it is given, so cases stay quiet and can look at it. */
export interface Collector extends ErrorHandler {
  /** Every error handled so far. */
  readonly errors: KitError[];
}

/** A fresh {@link Collector}. */
export function collector(): Collector {
  const errors: KitError[] = [];
  return {
    errors,
    handle(_ctx, err) {
      errors.push(err);
    },
  };
}

/** Fast retries for cases: `backoff` of 20 ms, and the given error handler. */
export function caseOptions(errors: ErrorHandler, more: SubscriberOptions = {}): SubscriberOptions {
  return { backoff: () => 20, errorHandler: errors, closeTimeout: 10_000, ...more };
}

/** Runs `body` with a context that expires after `ms`, and cancels it after. */
export async function withDeadline<T>(ms: number, body: (ctx: Context) => Promise<T>): Promise<T> {
  const [ctx, cancel] = withTimeout(background(), ms);
  try {
    return await body(ctx);
  } finally {
    cancel();
  }
}

/** An endpoint that counts each probe it handles in `tally` and answers it. */
export function counting(tally: Tally, by = "server"): Endpoint<Probe, ProbeReply> {
  return (_ctx, probe) => {
    tally.handled(probe.id);
    return Promise.resolve({ id: probe.id, by });
  };
}

/** Serves `endpoint` and waits until it is ready. */
export async function started(
  harness: ConformanceHarness,
  address: string,
  endpoint: Endpoint<Probe, ProbeReply>,
  options: SubscriberOptions,
): Promise<Subscriber> {
  const sub = await harness.serve(address, endpoint, options);
  try {
    await sub.ready;
  } catch (err) {
    await sub.close();
    throw err;
  }
  return sub;
}

/**
 * Sends a probe one way: by the harness's fire-and-forget publisher, resolving once the broker
 * took it, or, without one, by its requester, resolving once the request is on its way (its
 * answer is left to `answers`).
 */
export function sender(harness: ConformanceHarness, address: string, answers: Promise<unknown>[] = []): (probe: Probe) => Promise<void> {
  const { publisher } = harness;
  if (publisher !== undefined) {
    const publish = publisher(address, {});
    // No deadline (it would travel as kit-timeout, and a message could expire in the queue while
    // a case keeps it there on purpose); canceled after 30 s so a send never hangs a case.
    return async (probe) => {
      const [ctx, cancel] = withCancel(background());
      const timer = setTimeout(cancel, 30_000);
      try {
        await publish(ctx, probe);
      } finally {
        clearTimeout(timer);
        cancel();
      }
    };
  }
  const request = harness.requester(address, {});
  return (probe) => {
    const [ctx, cancel] = withTimeout(background(), 30_000);
    answers.push(request(ctx, probe).finally(cancel));
    return Promise.resolve();
  };
}

/**
 * Sends each probe as a request to the harness's requester and resolves once it is answered (a
 * call the broker refused, or that got no answer within 30 s, rejects): for a case that counts
 * what was acknowledged on a transport without a fire-and-forget publisher, where the answer is
 * the acknowledgement.
 */
export function answeredSender(harness: ConformanceHarness, address: string): (probe: Probe) => Promise<void> {
  const request = harness.requester(address, {});
  return async (probe) => {
    const [ctx, cancel] = withTimeout(background(), 30_000);
    try {
      await request(ctx, probe);
    } finally {
      cancel();
    }
  };
}

/** The marker every poison message's body starts with: UTF-8 text that is not JSON. */
const garbageMark = "{not json";

/** The bytes a poison message carries: UTF-8 text (so every broker can carry it) that is not JSON. */
export const garbage: Uint8Array = new TextEncoder().encode(`${garbageMark}: a poison message}`);

/**
 * A poison body of `size` bytes (a harness's `poisonWithoutDeadLetter` makes one as large as its
 * broker takes): the marker, then spaces.
 *
 * @param size - its length in bytes, at least 16
 */
export function garbageOfSize(size: number): Uint8Array {
  const body = new Uint8Array(size).fill(0x20);
  body.set(new TextEncoder().encode(garbageMark));
  return body;
}

/** Whether a message body is a poison message's (it starts with the marker). */
export function isGarbage(body: Uint8Array): boolean {
  return new TextDecoder().decode(body.subarray(0, garbageMark.length)) === garbageMark;
}
