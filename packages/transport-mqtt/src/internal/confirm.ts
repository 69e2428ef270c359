import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";
import { Deadlines, type ReplyTarget } from "@kit/transport/driver";

/** A publish waiting for its PUBACK. */
interface Waiting {
  readonly expires: number;
  readonly target: ReplyTarget;
  readonly bounded: boolean;
  finish: (err: KitError | undefined) => void;
}

/** Every publish waiting for its PUBACK, on one timer. */
const waiting = new Deadlines<Waiting>((entry) => {
  const { name, timeout } = entry.target;
  entry.finish(
    entry.bounded
      ? new KitError(Code.DeadlineExceeded, `${name}: no PUBACK within ${String(timeout)} ms`)
      : new KitError(Code.DeadlineExceeded, `${name}: no PUBACK before the context's deadline`),
  );
});

/** The background context's signal, which never aborts: a wait on it needs no listener. */
const never = background().signal;

/**
 * Runs `publish` and waits for the confirmation it reports, bounded like every Kit requester's
 * wait: by the context's deadline, or `target.timeout` without one; the context's cancellation
 * ends it too (with the signal's reason). What comes after the wait ended is ignored.
 *
 * @param ctx - the caller's context
 * @param target - names the topic in errors, and gives the wait bound
 * @param publish - publishes, and calls `done` once with the error, or without one when confirmed
 */
export function confirmed(ctx: Context, target: ReplyTarget, publish: (done: (err: KitError | undefined) => void) => void): Promise<undefined> {
  const { signal } = ctx;
  if (signal.aborted) return Promise.reject(toKitError(signal.reason));
  return new Promise((resolve, reject) => {
    let onAbort: (() => void) | undefined;
    const entry: Waiting = {
      expires: ctx.deadline ?? Date.now() + target.timeout,
      target,
      bounded: ctx.deadline === undefined,
      finish: (err) => {
        entry.finish = ignore;
        waiting.delete(entry);
        if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
        if (err === undefined) resolve(undefined);
        else reject(err);
      },
    };
    waiting.add(entry);
    if (signal !== never) {
      onAbort = () => {
        entry.finish(toKitError(signal.reason));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }
    publish((err) => {
      entry.finish(err);
    });
  });
}

function ignore(): void {
  // the wait is over
}
