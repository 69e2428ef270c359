import { setTimeout as sleep } from "node:timers/promises";

/** Waits `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return sleep(ms);
}

/**
 * Polls `check` every 20 ms until it returns true or `ms` passed; resolves with whether it did.
 * Every wait in the suite is bounded this way, so a broken transport fails a case, never hangs it.
 */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= end) return false;
    await sleep(20);
  }
  return true;
}

/** Rejects with what `promise` rejected with, or `undefined` when it resolved, within `ms`. */
export async function rejection(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => { resolve("timeout"); }, ms);
  });
  try {
    const outcome = await Promise.race([promise.then(() => undefined, (err: unknown) => ({ err })), timeout]);
    if (outcome === "timeout") throw new Error(`no outcome within ${String(ms)} ms`);
    return outcome?.err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads `read` every 100 ms until `check` accepts what it returned or `ms` passed; resolves with
 * the last value read.
 */
export async function poll<T>(read: () => Promise<T>, check: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() >= end) return value;
    await sleep(100);
  }
}
