import { Code, KitError } from "@kit/endpoint";

/**
 * What a subscriber reports of its consumer's crashes while the broker is away: kafkajs restarts
 * a crashed consumer by itself, about once a second, and each restart that fails crashes again
 * with the same error. Each different error of an outage is reported once, not at every restart,
 * and the first fetch after the crashes reports that the outage is over.
 */
export class CrashReports {
  readonly #topic: string;
  readonly #report: (err: KitError) => void;
  /** When the first crash of this outage happened (epoch ms); undefined while the consumer fetches. */
  #since: number | undefined;
  /** The crashes of this outage. */
  #crashes = 0;
  /** The messages of the errors reported during this outage. */
  readonly #reported = new Set<string>();

  /**
   * @param topic - the topic consumed, which the reports name
   * @param report - where they go (the subscriber's error handler)
   */
  constructor(topic: string, report: (err: KitError) => void) {
    this.#topic = topic;
    this.#report = report;
  }

  /** The consumer crashed with `err`: reported unless this outage reported the same error already. */
  crashed(err: KitError): void {
    this.#since ??= Date.now();
    this.#crashes += 1;
    if (this.#reported.has(err.message)) return;
    this.#reported.add(err.message);
    this.#report(err);
  }

  /** The consumer fetched: after crashes, reports that the outage is over. */
  fetched(): void {
    if (this.#since === undefined) return;
    const seconds = ((Date.now() - this.#since) / 1_000).toFixed(1);
    this.#report(new KitError(Code.Unavailable, `Kafka consume topic ${this.#topic}: fetching again, ${seconds} s after the consumer first crashed (${String(this.#crashes)} ${this.#crashes === 1 ? "crash" : "crashes"}, restarted by kafkajs); the outage is over`));
    this.#since = undefined;
    this.#crashes = 0;
    this.#reported.clear();
  }
}
