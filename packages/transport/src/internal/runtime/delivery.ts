import type { Context, KitError } from "@kit/endpoint";
import type { Message } from "../../message.ts";
import { AttemptContext } from "./attempt-context.ts";
import type { Stage } from "./decide.ts";

/**
 * Where a delivery is in its life, which only moves forward:
 *
 * ```
 * received ──► running ──► settling ──► settled
 *    │            │            │
 *    └────────────┴────────────┴──────► released
 * ```
 *
 * - `received`: taken off the broker, holding a slot, nothing run yet;
 * - `running`: an attempt runs, or the message waits to be tried again in place;
 * - `settling`: the runtime decided, and the driver is carrying it out (ack, retry later, dead
 *   letter, with an error answer first for a failed request);
 * - `settled`: done, the slot is free;
 * - `released`: given back to the broker unhandled (`close()` ran out of time, or settling
 *   failed for good). It ends the attempt: nothing is replied, acknowledged or dead-lettered
 *   for it afterwards, whatever its endpoint still does.
 */
export type DeliveryState = "received" | "running" | "settling" | "settled" | "released";

/**
 * One message in the runtime's hands, from the receive that brought it to its settlement: its
 * state, its attempt, and the context of the attempt that runs. The runtime keeps one per slot.
 */
export class Delivery<M extends Message> {
  readonly message: M;
  /** Which attempt runs or ran last, counting from 1 (the broker's count, then ours in place). */
  attempt: number;
  state: DeliveryState = "received";
  /** The running attempt's context, as the hooks left it. */
  ctx: Context;
  /** The deadline the runtime's timer watches for the running attempt (epoch ms; 0 when not watched); see `SlotDeadlines`. */
  expires = 0;
  /** The reason the running attempt was ended by its deadline, once it was. */
  timedOut: KitError | undefined = undefined;
  /** Where the running attempt is, so that its failure is classified by it. */
  stage: Stage = "endpoint";
  /** How many attempts were started here; the one running (0: none), so that each ends once. */
  runs = 0;
  live = 0;
  /** The pump's slot this delivery holds (-1: none); see `Slots`. */
  slot = -1;

  /** The running attempt's own context (the root of `ctx`); `undefined` before any attempt. */
  #own: AttemptContext | undefined = undefined;

  constructor(message: M, ctx: Context) {
    this.message = message;
    this.ctx = ctx;
    this.attempt = Number.isInteger(message.attempt) && message.attempt > 1 ? message.attempt : 1;
  }

  /** Gives the attempt that starts its own context, with the message's deadline if it has one; `ctx` starts as it. */
  open(deadline: number | undefined): void {
    const own = new AttemptContext(deadline);
    this.#own = own;
    this.ctx = own;
  }

  /** Cancels the running attempt's own context (and so `ctx`) with `reason`; before any attempt, nothing. */
  cancel(reason: KitError): void {
    this.#own?.cancel(reason);
  }

  /** Starts an attempt: `received` (or `running`, for a retry in place) becomes `running`. */
  run(): boolean {
    if (this.state !== "received" && this.state !== "running") return false;
    this.state = "running";
    return true;
  }

  /** The runtime decided: `running` becomes `settling`. False when it was released meanwhile. */
  settle(): boolean {
    if (this.state !== "running") return false;
    this.state = "settling";
    return true;
  }

  /** The driver carried the decision out: `settling` becomes `settled`. */
  settled(): void {
    if (this.state === "settling") this.state = "settled";
  }

  /** Gives the message back: any state but `settled` and `released` becomes `released`. */
  release(): boolean {
    if (this.state === "settled" || this.state === "released") return false;
    this.state = "released";
    return true;
  }

  /** Whether attempt `run` is still the running one and may go on (reply, settle). */
  current(run: number): boolean {
    return this.live === run && this.state === "running";
  }
}
