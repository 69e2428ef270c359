/**
 * Runs `work` but settles as soon as `signal` aborts, with the signal's reason. What `work`
 * does after that is ignored (its rejection is handled, so it is never unhandled).
 */
export function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([work(), aborted]).finally(() => {
    signal.removeEventListener("abort", onAbort);
  });
}
