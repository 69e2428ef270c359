import { Code, KitError, toKitError, type Context } from "@kit/endpoint";
import type { MessageDriver } from "../../message-driver.ts";
import { attemptsHeader, bodyTruncatedHeader, writeError } from "../../message-error.ts";
import type { Message, OutgoingMessage } from "../../message.ts";
import { publicError } from "../../public-error.ts";
import type { MessageDecision, MessageErrorEncoder, MessageOutcome, SubscriberFinalizer } from "../../subscriber-options.ts";
import { sleep } from "../sleep.ts";
import type { Decision, Failure } from "./decide.ts";
import type { Delivery } from "./delivery.ts";
import { shortBackoff } from "./short-backoff.ts";

/** What a {@link Settler} needs: the driver, the hooks that see the outcome, and the slots. */
export interface SettleParts<M extends Message> {
  readonly driver: MessageDriver<M>;
  readonly finalizer: readonly SubscriberFinalizer[];
  readonly errorEncoder: MessageErrorEncoder;
  readonly exposeErrors: boolean;
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Aborted when the subscriber closes: settling then waits no more between tries. */
  readonly stop: AbortSignal;
  /** Frees the delivery's slot. */
  readonly free: (delivery: Delivery<M>) => void;
}

/** How many times one settling call (ack, retry later, dead letter) is tried before the message is given back. */
export const settleTries = 3;

/**
 * The reason an attempt's context is canceled with once the message is settled: one shared
 * error, since nothing but work the endpoint left running can see it.
 */
const settledReason = new KitError(Code.Canceled, "the message was settled; its context is over");

const outcomes: Readonly<Record<Decision["action"], MessageDecision>> = {
  ack: "succeeded",
  answer: "answered",
  retry: "retried",
  "dead-letter": "dead-lettered",
  release: "released",
};

/**
 * Carries out the runtime's decisions about deliveries through the driver, then runs the
 * finalizers and frees the slot. A driver call that fails (a refused ack, a dead letter that
 * cannot be written) is reported and tried again, at most {@link settleTries} times, waiting
 * {@link shortBackoff} between tries with the slot held, so a message whose settling keeps
 * failing costs a few driver calls a second at most and never spins. A dead letter the driver
 * refuses as too large (`resource_exhausted`) is written with its body cut instead, where the
 * driver can (`deadLetterTruncated`). When every try failed, the message is given back: after a
 * delay (`retryLater`) on a broker that can redeliver later, else after a wait here (`release`).
 */
export class Settler<M extends Message> {
  readonly #parts: SettleParts<M>;

  constructor(parts: SettleParts<M>) {
    this.#parts = parts;
  }

  /** Settles a delivery whose attempt ended as `decision` says; nothing happens to one released meanwhile. */
  settle(delivery: Delivery<M>, decision: Decision): void {
    if (!delivery.settle()) return;
    if (decision.action === "ack" && this.#parts.finalizer.length === 0) this.#ack(delivery);
    else this.#guard(delivery, this.#carryOut(delivery, decision));
  }

  /**
   * Gives a delivery back unhandled (`close()` ran out of time, or it was received while
   * closing): its attempt ends, its context is canceled with `reason`, and nothing more is done
   * for it, whatever its endpoint still does.
   */
  async release(delivery: Delivery<M>, reason: KitError | undefined): Promise<void> {
    if (!delivery.release()) return;
    delivery.cancel(reason ?? settledReason);
    try {
      await this.#parts.driver.release(delivery.message);
    } catch (thrown) {
      this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
    }
    await this.finalize(delivery, "released", reason);
    this.#parts.free(delivery);
  }

  /** A success without finalizers: the ack alone, without an async function (the usual path). */
  #ack(delivery: Delivery<M>): void {
    let acking: Promise<void> | undefined;
    try {
      acking = this.#parts.driver.ack(delivery.message);
    } catch (thrown) {
      this.#guard(delivery, this.#ackFailed(delivery, thrown));
      return;
    }
    if (acking === undefined) {
      this.#done(delivery);
      return;
    }
    acking.then(
      () => {
        this.#done(delivery);
      },
      (thrown: unknown) => {
        this.#guard(delivery, this.#ackFailed(delivery, thrown));
      },
    );
  }

  #done(delivery: Delivery<M>): void {
    delivery.settled();
    delivery.cancel(settledReason);
    this.#parts.free(delivery);
  }

  /** An ack on the usual path failed: the bounded tries go on from the second. */
  async #ackFailed(delivery: Delivery<M>, thrown: unknown): Promise<void> {
    this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
    const acked = await this.#tryAll(delivery, () => this.#parts.driver.ack(delivery.message), 1);
    if (!acked) await this.#giveBack(delivery, settleTries, "ack");
    await this.#end(delivery, acked ? "succeeded" : "released", undefined);
  }

  /** Carries out any decision, with an error answer first for a failed request, then finalizes. */
  async #carryOut(delivery: Delivery<M>, decision: Decision): Promise<void> {
    let action = decision.action;
    const error = "error" in decision ? decision.error : undefined;
    if (decision.action === "answer" && !(await this.#answer(delivery, decision.error, decision.failure))) action = "dead-letter";
    const done = await this.#tryAll(delivery, this.#call(delivery, action, decision), 0);
    if (!done) await this.#giveBack(delivery, settleTries, action);
    const delay = done && decision.action === "retry" ? decision.delay : undefined;
    await this.#end(delivery, done ? outcomes[action] : "released", error, delay);
  }

  /** The driver call that carries out `action`, as a function to try again. */
  #call(delivery: Delivery<M>, action: Decision["action"], decision: Decision): () => Promise<void> | undefined {
    const { driver } = this.#parts;
    const { message } = delivery;
    switch (action) {
      case "ack":
      case "answer":
        return () => driver.ack(message);
      case "retry":
        return () => driver.retryLater?.(message, "delay" in decision ? decision.delay : 0);
      case "dead-letter":
        return this.#deadLetter(delivery, "error" in decision ? decision.error : new KitError(Code.Unknown, "failed"));
      case "release":
        return () => driver.release(message);
    }
  }

  /** The dead-letter call, which turns into the driver's cut-body fallback once the broker refused the message as too large. */
  #deadLetter(delivery: Delivery<M>, error: KitError): () => Promise<void> {
    const { driver } = this.#parts;
    const { message } = delivery;
    const headers = new Map<string, string>();
    writeError(headers, error);
    headers.set(attemptsHeader, String(delivery.attempt));
    let tooLarge = false;
    return async () => {
      if (tooLarge && driver.deadLetterTruncated !== undefined) {
        headers.set(bodyTruncatedHeader, String(message.body.byteLength));
        await driver.deadLetterTruncated(message, headers);
        return;
      }
      try {
        await driver.deadLetter(message, headers);
      } catch (thrown) {
        tooLarge = toKitError(thrown).code === Code.ResourceExhausted;
        throw thrown;
      }
    };
  }

  /**
   * Tries `call` until it succeeds, {@link settleTries} times at most (`failed` tries were made
   * already), reporting each failure and waiting {@link shortBackoff} after it, with the slot
   * held. False when every try failed, or the subscriber began closing meanwhile.
   */
  async #tryAll(delivery: Delivery<M>, call: () => Promise<void> | undefined, failed: number): Promise<boolean> {
    for (let failures = failed; ; ) {
      if (failures > 0) {
        if (failures >= settleTries || this.#parts.stop.aborted) return false;
        await sleep(shortBackoff(delivery.attempt + failures - 1), this.#parts.stop);
      }
      try {
        await call();
        return true;
      } catch (thrown) {
        this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
        failures += 1;
      }
    }
  }

  /**
   * Gives back a message whose settling failed every try, so the broker delivers it again,
   * never at once: a redelivering broker is asked to wait (`retryLater`, unless that was the
   * call that failed); otherwise, or when that fails too, the runtime waits here first, then
   * releases it. If the release fails as well, the broker redelivers the message when its lease
   * runs out (a closed channel, an expired visibility timeout).
   */
  async #giveBack(delivery: Delivery<M>, failures: number, failed: Decision["action"]): Promise<void> {
    const { driver, stop, observe } = this.#parts;
    const { message } = delivery;
    const delay = shortBackoff(delivery.attempt + failures);
    if (driver.retry === "redeliver" && driver.retryLater !== undefined && failed !== "retry" && !stop.aborted) {
      try {
        await driver.retryLater(message, Math.round(delay));
        return;
      } catch (thrown) {
        observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
      }
    }
    await sleep(delay, stop);
    try {
      await driver.release(message);
    } catch (thrown) {
      observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
    }
  }

  /** Answers a request that failed for good with the error its caller may see; false when the answer could not be sent. */
  async #answer(delivery: Delivery<M>, error: KitError, failure: Failure): Promise<boolean> {
    const { driver, errorEncoder, exposeErrors } = this.#parts;
    // What an endpoint threw reaches its caller by the disclosure rule; a decoder's error is about the caller's input.
    const visible = failure.stage === "endpoint" ? publicError(failure.thrown, exposeErrors) : error;
    try {
      const reply: OutgoingMessage = { body: new Uint8Array(0), headers: new Map<string, string>() };
      await errorEncoder(delivery.ctx, visible, reply);
      if (driver.reply === undefined) throw new KitError(Code.Unimplemented, "this transport cannot send replies");
      await driver.reply(delivery.message, reply);
      return true;
    } catch (thrown) {
      this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Unavailable));
      return false;
    }
  }

  /** Marks the delivery settled (or released), runs the finalizers, cancels its context and frees its slot. */
   
  async #end(delivery: Delivery<M>, decision: MessageDecision, error: KitError | undefined, delay?: number): Promise<void> {
    if (decision === "released") delivery.release();
    else delivery.settled();
    await this.finalize(delivery, decision, error, delay);
    delivery.cancel(settledReason);
    this.#parts.free(delivery);
  }

  /** Runs the finalizers with the outcome; what they throw goes to the error handler. */
   
  async finalize(delivery: Delivery<M>, decision: MessageDecision, error: KitError | undefined, delay?: number): Promise<void> {
    if (this.#parts.finalizer.length === 0) return;
    const outcome: MessageOutcome = { decision, message: delivery.message, attempt: delivery.attempt, error, delay };
    for (const hook of this.#parts.finalizer) {
      try {
        await hook(delivery.ctx, outcome);
      } catch (thrown) {
        this.#parts.observe(delivery.ctx, toKitError(thrown));
      }
    }
  }

  /** Frees the slot once `settling` is done, whatever happened: what it throws is a bug, reported. */
  #guard(delivery: Delivery<M>, settling: Promise<void>): void {
    settling.catch((thrown: unknown) => {
      this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Internal));
      this.#parts.free(delivery);
    });
  }
}
