import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";
import type { MessageDriver } from "../../message-driver.ts";
import type { Message } from "../../message.ts";
import { sleep } from "../sleep.ts";
import { Delivery } from "./delivery.ts";
import { ReceiveOutage } from "./receive-outage.ts";
import { shortBackoff } from "./short-backoff.ts";
import { Slots } from "./slots.ts";

/** What a {@link Pump} needs: the driver, the limits, and what to do with each message it receives. */
export interface PumpParts<M extends Message> {
  readonly driver: MessageDriver<M>;
  readonly concurrency: number;
  readonly closeTimeout: number;
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Aborted by `close()`. */
  readonly stop: AbortController;
  /** A new batch was received (the runtime reads its clock once for it). */
  readonly newBatch: () => void;
  /** Starts the first attempt at a delivery that holds a slot. */
  readonly run: (delivery: Delivery<M>) => void;
  /** Gives a delivery back unhandled, and frees its slot. */
  readonly release: (delivery: Delivery<M>, reason: KitError | undefined) => Promise<void>;
}

/** How long the pump waits for room for a whole batch (see `MessageDriver.batch`), in ms. */
const batchLinger = 20;

/**
 * The runtime's pump: checks that the driver is ready, then receives as long as the
 * subscriber runs, never more messages than there are free slots (`concurrency`: that is the
 * backpressure), each into a slot it holds until it is settled or released. A failed receive
 * is tried again after {@link shortBackoff}, and reported once per outage, its end too
 * ({@link ReceiveOutage}). `close()` stops receiving, waits for the slots to empty up to
 * `closeTimeout`, then releases what still runs.
 */
export class Pump<M extends Message> {
  /** Resolves once the driver's check passed; see `Subscriber.ready`. */
  readonly ready: Promise<void>;
  readonly #parts: PumpParts<M>;
  readonly #slots = new Slots<Delivery<M>>();
  /** Wakes the loop waiting for a free slot. */
  #wake: (() => void) | undefined;
  /** Called once no slot is held. */
  #onEmpty: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Until when the pump waits for room for a whole batch (epoch ms), once it began to. */
  #lingerUntil: number | undefined;

  constructor(parts: PumpParts<M>) {
    this.#parts = parts;
    this.ready = this.#checkReady();
    this.ready.catch(() => undefined); // awaiting it is optional; the error handler was told
  }

  /** Starts receiving (once the driver is ready). */
  start(): void {
    this.#loop = this.#receiveLoop();
  }

  /** The deliveries that hold a slot now. */
  held(): Delivery<M>[] {
    return this.#slots.held();
  }

  /** Frees a delivery's slot; calling it again does nothing. */
  free(delivery: Delivery<M>): void {
    if (!this.#slots.free(delivery)) return;
    this.#notify();
    if (this.#slots.size === 0) {
      const resolve = this.#onEmpty;
      this.#onEmpty = undefined;
      resolve?.();
    }
  }

  /** Stops receiving, drains the slots, and releases what is still running at `closeTimeout`. */
  close(): Promise<void> {
    return (this.#closing ??= this.#drain());
  }

  async #checkReady(): Promise<void> {
    const { driver, stop } = this.#parts;
    if (driver.ready === undefined) return; // nothing to check: the first receive starts at once
    try {
      await driver.ready(stop.signal);
    } catch (thrown) {
      if (stop.signal.aborted) throw closedBeforeReady();
      const why = toKitError(thrown, Code.Unavailable);
      this.#parts.observe(background(), why);
      stop.abort(why);
      throw why;
    }
    if (stop.signal.aborted) throw closedBeforeReady();
  }

  async #receiveLoop(): Promise<void> {
    const { driver, stop } = this.#parts;
    if (driver.ready !== undefined && !(await this.ready.then(() => true, () => false))) return;
    let failures = 0;
    const outage = new ReceiveOutage((err) => {
      this.#parts.observe(background(), err);
    });
    while (!stop.signal.aborted) {
      const room = this.#room();
      if (room === 0) {
        await this.#waitForRoom();
        continue;
      }
      let received: readonly M[];
      try {
        received = await driver.receive(room, stop.signal);
        failures = 0;
        outage.succeeded();
      } catch (thrown) {
        if (isAborted(stop.signal)) break; // closing: receive ended as it should
        failures += 1;
        outage.failed(toKitError(thrown, Code.Unavailable));
        await sleep(shortBackoff(failures), stop.signal);
        continue;
      }
      this.#startAll(received, room);
    }
  }

  /**
   * How many messages to receive now; 0 when the pump should wait first (see
   * {@link Pump.#waitForRoom}): no slot is free, or, for a driver that receives in batches, a
   * moment for room for a whole batch while messages run, rather than fetching a few at a time.
   */
  #room(): number {
    const { concurrency, driver } = this.#parts;
    const room = concurrency - this.#slots.size;
    if (room <= 0) return 0;
    if (room >= Math.min(concurrency, driver.batch ?? 1) || this.#slots.size === 0) {
      this.#lingerUntil = undefined;
      return room;
    }
    this.#lingerUntil ??= Date.now() + batchLinger;
    if (this.#lingerUntil > Date.now()) return 0;
    this.#lingerUntil = undefined;
    return room; // what fits after the linger
  }

  /** Waits until a slot is freed, or the batch linger is over. */
  async #waitForRoom(): Promise<void> {
    const left = this.#lingerUntil === undefined ? undefined : this.#lingerUntil - Date.now();
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (left !== undefined) timer = setTimeout(resolve, Math.max(0, left));
    });
    clearTimeout(timer);
  }

  /** Starts each message received in a slot of its own; one received after `close()` is released unrun. */
  #startAll(received: readonly M[], room: number): void {
    this.#parts.newBatch();
    const closing = this.#parts.stop.signal.aborted;
    let started = 0;
    for (const message of received) {
      const delivery = new Delivery(message, background());
      this.#slots.take(delivery);
      if (closing) this.#releaseUnrun(delivery, undefined);
      else if (started >= room) this.#releaseUnrun(delivery, new KitError(Code.Internal, `the driver returned more than the ${room} messages asked for`));
      else this.#run(delivery);
      started += 1;
    }
  }

  #run(delivery: Delivery<M>): void {
    try {
      this.#parts.run(delivery);
    } catch (thrown) {
      this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Internal)); // a bug: the slot must not leak
      this.free(delivery);
    }
  }

  #releaseUnrun(delivery: Delivery<M>, reason: KitError | undefined): void {
    if (reason !== undefined) this.#parts.observe(delivery.ctx, reason);
    this.#parts.release(delivery, reason).catch((thrown: unknown) => {
      this.#parts.observe(delivery.ctx, toKitError(thrown, Code.Internal));
      this.free(delivery);
    });
  }

  #notify(): void {
    const resolve = this.#wake;
    this.#wake = undefined;
    resolve?.();
  }

  /** Resolves once no slot is held. */
  #emptied(): Promise<void> {
    if (this.#slots.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const previous = this.#onEmpty;
      this.#onEmpty = () => {
        previous?.();
        resolve();
      };
    });
  }

  async #drain(): Promise<void> {
    const { closeTimeout, stop } = this.#parts;
    stop.abort(new KitError(Code.Canceled, "subscriber closed"));
    this.#notify();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, closeTimeout, "timeout")));
    try {
      const loopEnded = await Promise.race([this.#loop.then(() => "ended" as const), timedOut]);
      const drained = loopEnded === "ended" ? await Promise.race([this.#emptied().then(() => "drained" as const), timedOut]) : loopEnded;
      if (drained === "timeout") await this.#releaseRunning();
      await this.#emptied(); // what was being settled when the time ran out
    } finally {
      clearTimeout(timer);
    }
  }

  /** `closeTimeout` passed: cancels and releases every delivery that has not been decided on. */
  async #releaseRunning(): Promise<void> {
    const reason = new KitError(Code.Canceled, `subscriber closed before the message was handled (closeTimeout ${this.#parts.closeTimeout} ms)`);
    const running = this.held().filter((delivery) => delivery.state === "received" || delivery.state === "running");
    for (const delivery of running) this.#parts.observe(delivery.ctx, reason);
    await Promise.all(running.map((delivery) => this.#parts.release(delivery, reason)));
  }
}

/** Whether `signal` has aborted, read afresh (after an await, where a narrowed `signal.aborted` would be stale). */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function closedBeforeReady(): KitError {
  return new KitError(Code.Canceled, "subscriber closed before it was ready");
}
