import { Code, KitError } from "@kit/endpoint";

/**
 * What a subscriber reports of its connection's outages: the loss, each different error while
 * it lasts (mqtt.js tries to reconnect every `reconnectPeriod`, and each failed try repeats the
 * last error: reported once, not five times a second), and the reconnection that ends it.
 */
export class OutageReports {
  readonly #what: string;
  readonly #report: (err: KitError) => void;
  /** When the connection was lost (epoch ms); undefined while it is up. */
  #since: number | undefined;
  /** The failed reconnections of this outage. */
  #failures = 0;
  /** The last error reported during this outage, by its message. */
  #last: string | undefined;

  /**
   * @param what - what the reports name: `connection for <subscription>`
   * @param report - where they go (the subscriber's error handler)
   */
  constructor(what: string, report: (err: KitError) => void) {
    this.#what = what;
    this.#report = report;
  }

  /** The connection was lost, with `waiting` messages unacknowledged. */
  lost(waiting: number): void {
    this.#since = Date.now();
    this.#failures = 0;
    this.#last = undefined;
    this.#report(new KitError(Code.Unavailable, `MQTT ${this.#what} lost; ${String(waiting)} unacknowledged messages wait for the session's next connection`));
  }

  /** The client failed (a reconnection refused, timed out...): reported unless it repeats the last error of this outage. */
  failed(err: KitError): void {
    if (this.#since !== undefined) {
      this.#failures += 1;
      if (err.message === this.#last) return;
      this.#last = err.message;
    }
    this.#report(err);
  }

  /** The client connected; after an outage, reports that it is over. */
  connected(sessionPresent: boolean): void {
    if (this.#since === undefined) return;
    const seconds = ((Date.now() - this.#since) / 1_000).toFixed(1);
    const session = sessionPresent ? "the broker resumed the session" : "the broker started a new session (what the old one held is gone)";
    const tries = this.#failures > 0 ? ` and ${String(this.#failures)} failed tries` : "";
    this.#report(new KitError(Code.Unavailable, `MQTT ${this.#what}: reconnected after ${seconds} s${tries}; ${session}; the outage is over`));
    this.#since = undefined;
  }
}
