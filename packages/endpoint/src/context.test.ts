import { describe, expect, it, vi } from "vitest";
import { background, contextKey, timeRemaining, withCancel, withDeadline, withoutCancel, withTimeout, withValue } from "./context.ts";
import { Code, isKitError, KitError } from "./error.ts";

function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener("abort", () => { resolve(signal.reason); }, { once: true });
  });
}

describe("background", () => {
  it("is never canceled, has no deadline and no values", () => {
    const ctx = background();
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.deadline).toBeUndefined();
    expect(ctx.value(contextKey<string>("k"))).toBeUndefined();
  });
});

describe("withValue", () => {
  it("finds a value through any number of derived contexts, nearest first", () => {
    const user = contextKey<string>("user");
    const tenant = contextKey<number>("tenant");
    const [a, cancel] = withCancel(withValue(withValue(background(), user, "ann"), tenant, 7));
    const b = withValue(a, user, "bob");
    expect(b.value(user)).toBe("bob");
    expect(b.value(tenant)).toBe(7);
    expect(a.value(user)).toBe("ann");
    cancel();
  });

  it("keeps keys with the same name apart", () => {
    const one = contextKey<string>("id");
    const two = contextKey<string>("id");
    const ctx = withValue(background(), one, "1");
    expect(ctx.value(two)).toBeUndefined();
  });

  it("shares the parent's signal and deadline", () => {
    const [parent, cancel] = withTimeout(background(), 10_000);
    const child = withValue(parent, contextKey<number>("n"), 1);
    expect(child.deadline).toBe(parent.deadline);
    cancel();
    expect(child.signal.aborted).toBe(true);
  });
});

describe("withCancel", () => {
  it("aborts the signal with a canceled KitError", () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    expect(ctx.signal.aborted).toBe(true);
    expect(isKitError(ctx.signal.reason)).toBe(true);
    expect((ctx.signal.reason as { code: string }).code).toBe(Code.Canceled);
  });

  it("cancels children when the parent is canceled, but not the other way round", () => {
    const [parent, cancelParent] = withCancel(background());
    const [child, cancelChild] = withCancel(parent);
    const [sibling, cancelSibling] = withCancel(parent);
    cancelChild();
    expect(parent.signal.aborted).toBe(false);
    expect(sibling.signal.aborted).toBe(false);
    expect(child.signal.aborted).toBe(true);
    cancelParent();
    expect(sibling.signal.aborted).toBe(true);
    cancelSibling();
  });

  it("is canceled at once when derived from a canceled parent", () => {
    const [parent, cancel] = withCancel(background());
    cancel();
    const [child] = withCancel(parent);
    expect(child.signal.aborted).toBe(true);
  });

  it("ignores a second cancel", () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const first: unknown = ctx.signal.reason;
    cancel();
    expect(ctx.signal.reason).toBe(first);
  });

  it("lets go of the parent's listener once canceled, so long-lived parents do not leak", () => {
    const [parent, cancelParent] = withCancel(background());
    let added = 0;
    let removed = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => { added++; add(...args); });
    parent.signal.removeEventListener = ((...args: Parameters<typeof remove>) => { removed++; remove(...args); });
    for (let i = 0; i < 100; i++) {
      const [child, cancel] = withCancel(parent);
      expect(child.signal.aborted).toBe(false); // reading the signal ties the child to its parent
      cancel();
    }
    expect(added).toBe(100);
    expect(removed).toBe(100);
    cancelParent();
  });

  it("ties a child to its parent only once its signal is read, and still follows the parent then", () => {
    const [parent, cancelParent] = withCancel(background());
    let added = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => { added++; add(...args); });
    const [unread, cancelUnread] = withCancel(parent);
    const [late] = withCancel(parent);
    cancelUnread();
    expect(added).toBe(0);
    expect(unread.signal.aborted).toBe(true);
    expect((unread.signal.reason as { code: string }).code).toBe(Code.Canceled);
    cancelParent(new KitError(Code.Unavailable, "shutting down"));
    expect(late.signal.aborted).toBe(true);
    expect((late.signal.reason as { message: string }).message).toBe("shutting down");
  });
});

describe("withDeadline", () => {
  it("aborts with deadline_exceeded when the deadline passes", async () => {
    const [ctx, cancel] = withDeadline(background(), Date.now() + 30);
    const reason = await aborted(ctx.signal);
    expect((reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    cancel();
  });

  it("is exceeded at once when the deadline is already past", () => {
    const [ctx] = withDeadline(background(), Date.now() - 1);
    expect(ctx.signal.aborted).toBe(true);
    expect((ctx.signal.reason as { code: string }).code).toBe(Code.DeadlineExceeded);
  });

  it("is exceeded when its signal is first read after the deadline passed", async () => {
    const [ctx, cancel] = withTimeout(background(), 20);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ctx.signal.aborted).toBe(true);
    expect((ctx.signal.reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    cancel();
  });

  it("stays deadline_exceeded when canceled after its deadline passed, whether or not its signal was read", () => {
    const [unread, cancelUnread] = withTimeout(background(), 0);
    cancelUnread();
    expect((unread.signal.reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    const [parent, cancelParent] = withTimeout(background(), 0);
    const [child, cancelChild] = withCancel(parent);
    cancelChild();
    expect((child.signal.reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    cancelParent();
  });

  it("takes a reason given to a context nobody read as it is, without reading the clock", () => {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const now = vi.spyOn(Date, "now");
    const reason = new KitError(Code.Canceled, "the message was settled");
    cancel(reason);
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
    expect(ctx.signal.reason).toBe(reason);
  });

  it("passes on a parent's cancel that came before the child's, though neither signal was read", () => {
    const [parent, cancelParent] = withCancel(background());
    const [child, cancelChild] = withCancel(parent);
    cancelParent(new KitError(Code.Unavailable, "shutting down"));
    cancelChild();
    expect((child.signal.reason as { message: string }).message).toBe("shutting down");
  });

  it("never extends the parent's deadline", async () => {
    const [parent, cancelParent] = withTimeout(background(), 40);
    const [child, cancelChild] = withDeadline(parent, Date.now() + 60_000);
    expect(child.deadline).toBe(parent.deadline);
    const reason = await aborted(child.signal);
    expect((reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    cancelChild();
    cancelParent();
  });

  it("narrows the parent's deadline", () => {
    const [parent, cancelParent] = withTimeout(background(), 60_000);
    const [child, cancelChild] = withTimeout(parent, 1_000);
    expect(child.deadline).toBeLessThan(parent.deadline ?? 0);
    cancelChild();
    cancelParent();
  });

  it("passes the parent's deadline_exceeded reason to its children", async () => {
    const [parent, cancelParent] = withTimeout(background(), 20);
    const [child, cancelChild] = withCancel(parent);
    const reason = await aborted(child.signal);
    expect((reason as { code: string }).code).toBe(Code.DeadlineExceeded);
    cancelChild();
    cancelParent();
  });
});

describe("withCancel with a parent from another copy of @kit/endpoint", () => {
  it("passes on the parent's Kit error as the reason, recognised by its brand", () => {
    const controller = new AbortController();
    const parent = { signal: controller.signal, deadline: undefined, value: () => undefined };
    const [child, cancel] = withCancel(parent);
    const foreign = Object.assign(new Error("context deadline exceeded"), { code: "deadline_exceeded" });
    Object.defineProperty(foreign, Symbol.for("@kit/endpoint.KitError"), { value: true });
    controller.abort(foreign);
    expect(child.signal.reason).toBe(foreign);
    cancel();
  });
});

describe("withoutCancel", () => {
  it("keeps the parent's values but neither its deadline nor its cancellation", () => {
    const requestId = contextKey<string>("request-id");
    const [parent, cancel] = withTimeout(withValue(background(), requestId, "r-1"), 1_000);
    const detached = withoutCancel(parent);
    cancel();
    expect(parent.signal.aborted).toBe(true);
    expect(detached.signal.aborted).toBe(false);
    expect(detached.deadline).toBeUndefined();
    expect(detached.value(requestId)).toBe("r-1");
  });

  it("gives background work a budget of its own, which a canceled request does not end", async () => {
    const [request, cancelRequest] = withTimeout(background(), 5);
    const [work, cancelWork] = withTimeout(withoutCancel(request), 60_000);
    await aborted(request.signal);
    expect(work.signal.aborted).toBe(false);
    expect((work.deadline ?? 0) - Date.now()).toBeGreaterThan(50_000);
    cancelWork();
    cancelRequest();
  });
});

describe("canceling", () => {
  it("changes nothing global, such as Error.stackTraceLimit, even while it makes its reason", () => {
    const limit = Error.stackTraceLimit;
    let seen: number | undefined;
    const [ctx, cancel] = withCancel(background());
    ctx.signal.addEventListener("abort", () => {
      seen = Error.stackTraceLimit;
    });
    Object.defineProperty(Error, "stackTraceLimit", {
      configurable: true,
      get: () => limit,
      set: () => {
        throw new Error("Error.stackTraceLimit was changed");
      },
    });
    try {
      cancel();
      const [other, cancelOther] = withCancel(background());
      cancelOther();
      expect((other.signal.reason as KitError).code).toBe(Code.Canceled);
    } finally {
      Object.defineProperty(Error, "stackTraceLimit", { configurable: true, writable: true, value: limit });
    }
    expect(seen).toBe(limit);
    expect((ctx.signal.reason as KitError).code).toBe(Code.Canceled);
  });
});

describe("timeRemaining", () => {
  it("is undefined without a deadline and counts down with one", () => {
    expect(timeRemaining(background())).toBeUndefined();
    const [ctx, cancel] = withTimeout(background(), 5_000);
    const left = timeRemaining(ctx) ?? -1;
    expect(left).toBeGreaterThan(4_000);
    expect(left).toBeLessThanOrEqual(5_000);
    cancel();
  });

  it("never goes below zero", () => {
    const [ctx] = withDeadline(background(), Date.now() - 1_000);
    expect(timeRemaining(ctx)).toBe(0);
  });
});
