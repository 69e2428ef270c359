import { Code, KitError } from "@kit/endpoint";

/**
 * The reports of failing receives, once per outage rather than at every try: the first failure,
 * then a failure only when its code or message differs from the last one reported, and, at the
 * first receive that succeeds after them, one report that the outage is over.
 */
export class ReceiveOutage {
  readonly #report: (err: KitError) => void;
  /** When receives began to fail (epoch ms), while they do. */
  #since: number | undefined;
  /** The last failure reported, as `code: message`. */
  #last: string | undefined;
  #failures = 0;

  constructor(report: (err: KitError) => void) {
    this.#report = report;
  }

  /** A receive failed: reported unless it is the failure reported last. */
  failed(err: KitError): void {
    this.#since ??= Date.now();
    this.#failures += 1;
    const said = `${err.code}: ${err.message}`;
    if (said === this.#last) return;
    this.#last = said;
    this.#report(err);
  }

  /** A receive succeeded: after failed ones, reports that the outage is over. */
  succeeded(): void {
    if (this.#since === undefined) return;
    const seconds = ((Date.now() - this.#since) / 1_000).toFixed(1);
    const failures = this.#failures;
    this.#since = undefined;
    this.#last = undefined;
    this.#failures = 0;
    this.#report(new KitError(Code.Unavailable, `receiving again, ${seconds} s after receives began to fail (${String(failures)} failed receives); the outage is over`));
  }
}
