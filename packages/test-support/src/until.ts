/** How long {@link until} waits and how often it asks. */
export interface UntilOptions {
  /** The ms after which it gives up (default 10 000). Finite and not negative. */
  readonly timeout?: number;
  /** The ms between two checks (default 20). Finite and not negative. */
  readonly every?: number;
}

/**
 * Polls `check` until it is true: at once, and then every `every` ms, awaiting each answer. A
 * test waits this way for what happens on its own time elsewhere (a broker delivering, an
 * instancer noticing a change) instead of sleeping a fixed while.
 *
 * @param what - what it waits for, in the error once it has timed out; a function is called only
 *   then, so it can describe the state at that moment
 * @param check - whether it has happened; a throw (or a rejection) ends the wait with that error
 * @param options - `timeout` (default 10 000 ms) and `every` (default 20 ms)
 * @returns the ms it took until `check` was true
 * @throws Error `timed out after <timeout> ms waiting for <what>` once `timeout` ms have passed
 *   and `check` was still false
 * @throws RangeError when `timeout` or `every` is negative or not finite
 *
 * @example
 * ```ts
 * const received: string[] = [];
 * // … subscribe, pushing into `received`, and publish "a"
 * const ms = await until(() => `"a" to arrive (received: ${received.join(", ")})`, () => received.includes("a"), { timeout: 5_000 });
 * ```
 */
export async function until(what: string | (() => string), check: () => boolean | Promise<boolean>, options: UntilOptions = {}): Promise<number> {
  const { timeout = 10_000, every = 20 } = options;
  validate("timeout", timeout);
  validate("every", every);
  const start = performance.now();
  for (;;) {
    if (await check()) return Math.round(performance.now() - start);
    const elapsed = performance.now() - start;
    if (elapsed >= timeout) throw new Error(`timed out after ${String(timeout)} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(every, timeout - elapsed)));
  }
}

function validate(name: keyof UntilOptions, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`until's ${name} must be a finite number of ms, not negative; got ${String(value)}`);
}
