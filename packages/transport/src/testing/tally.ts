/** What a case counted: messages sent, handled once or more, never handled, handled twice or more. */
export interface Counts {
  /** Messages the case sent (that the broker acknowledged, for publishes). */
  readonly sent: number;
  /** Distinct sent messages the endpoint handled. */
  readonly handled: number;
  /** Sent messages the endpoint never handled. */
  readonly lost: number;
  /** Sent messages the endpoint handled more than once. */
  readonly duplicated: number;
}

/**
 * Counts one case's messages by id: {@link Tally.sent} when a send succeeded,
 * {@link Tally.handled} each time the endpoint ran to completion on one.
 */
export class Tally {
  readonly #sent = new Set<number>();
  readonly #handled = new Map<number, number>();
  #highest = 0;

  /** Records a message the broker took. */
  sent(id: number): void {
    this.#sent.add(id);
  }

  /** Records that the endpoint handled message `id` (again). */
  handled(id: number): void {
    this.#handled.set(id, (this.#handled.get(id) ?? 0) + 1);
    this.#highest = Math.max(this.#highest, id);
  }

  /** How many times `id` was handled. */
  timesHandled(id: number): number {
    return this.#handled.get(id) ?? 0;
  }

  /** The highest id handled so far (0 for none). */
  highest(): number {
    return this.#highest;
  }

  /** Whether every sent message was handled at least once. */
  complete(): boolean {
    for (const id of this.#sent) if (!this.#handled.has(id)) return false;
    return true;
  }

  /** The ids sent and not handled yet, lowest first. */
  unhandled(): number[] {
    return [...this.#sent].filter((id) => !this.#handled.has(id)).sort((a, b) => a - b);
  }

  /** The counts so far. */
  counts(): Counts {
    let handled = 0;
    let duplicated = 0;
    for (const id of this.#sent) {
      const times = this.#handled.get(id) ?? 0;
      if (times > 0) handled += 1;
      if (times > 1) duplicated += 1;
    }
    return { sent: this.#sent.size, handled, lost: this.#sent.size - handled, duplicated };
  }
}
