import assert from "node:assert/strict";
import { Code, contextKey, KitError, withValue, type Context } from "@kit/endpoint";
import type { HeaderCarrier } from "../carrier.ts";
import type { MessageDecision, SubscriberOptions } from "../subscriber-options.ts";
import type { RequesterOptions } from "./harness.ts";
import { caseOptions, collector, started, withDeadline, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { rejection } from "./wait.ts";

const seen = contextKey<string>("conformance.hooks");

/** A header's value, `-` when it is absent (some brokers' headers say `""` for that). */
function header(headers: HeaderCarrier, name: string): string {
  const value = headers.get(name);
  return value === undefined || value === null || value === "" ? "-" : value;
}

/** The subscriber's hooks: each records its step; `before` reads the publisher's header into the context. */
function subscriberHooks(order: string[], decisions: MessageDecision[]): SubscriberOptions {
  return caseOptions(collector(), {
    maxAttempts: 1,
    before: [
      (ctx, message) => {
        order.push(`sub.before1:${header(message.headers, "x-conformance")}`);
        return withValue(ctx, seen, header(message.headers, "x-conformance"));
      },
      (ctx) => {
        order.push(`sub.before2:${ctx.value(seen) ?? "-"}`);
        return ctx;
      },
    ],
    after: [
      (ctx, reply) => {
        order.push("sub.after");
        reply.headers.set("x-conformance-reply", "pong");
        return ctx;
      },
    ],
    finalizer: [
      (_ctx, outcome) => {
        decisions.push(outcome.decision);
      },
    ],
  });
}

/** The requester's hooks: `before` sets a header, `after` reads the reply's, `finalizer` records the outcome. */
function requesterHooks(order: string[]): RequesterOptions {
  return {
    before: [
      (ctx, message) => {
        order.push("pub.before");
        message.headers.set("x-conformance", "ping");
        return ctx;
      },
    ],
    after: [
      (ctx: Context, reply) => {
        order.push(`pub.after:${header(reply.headers, "x-conformance-reply")}`);
        return ctx;
      },
    ],
    finalizer: [
      (_ctx, outcome) => {
        order.push(`pub.finalizer:${outcome.error?.code ?? "ok"}`);
      },
    ],
  };
}

/**
 * Hook order and meaning: on a request that succeeds, the publisher's `before` hooks (which set a
 * header), the subscriber's `before` hooks in order (which read it into the context), the
 * endpoint (which sees it), the subscriber's `after` hooks (which set a reply header), the
 * publisher's `after` hooks (which read it) and its `finalizer` (no error), with the
 * subscriber's `finalizer` seeing `succeeded`; on a request that fails for good, no `after`
 * hook runs and the finalizers see the error and `answered`.
 */
export const hooks: ConformanceCase = {
  name: "hooks",
  needs: [],
  timeout: 20_000,
  async run(harness) {
    const address = await harness.address("hooks");
    const tally = new Tally();
    const order: string[] = [];
    const decisions: MessageDecision[] = [];
    const sub = await started(
      harness,
      address,
      (ctx, probe) => {
        tally.handled(probe.id);
        order.push(`endpoint:${ctx.value(seen) ?? "-"}`);
        if (probe.op === "fail") return Promise.reject(new KitError(Code.NotFound, "no such thing"));
        return Promise.resolve({ id: probe.id });
      },
      subscriberHooks(order, decisions),
    );
    try {
      const call = harness.requester(address, requesterHooks(order));
      tally.sent(1);
      await withDeadline(10_000, (ctx) => call(ctx, { id: 1 }));
      assert.deepEqual(
        order,
        ["pub.before", "sub.before1:ping", "sub.before2:ping", "endpoint:ping", "sub.after", "pub.after:pong", "pub.finalizer:ok"],
        "the hooks run in order, each seeing what the one before set",
      );
      order.length = 0;
      tally.sent(2);
      await withDeadline(10_000, (ctx) => rejection(call(ctx, { id: 2, op: "fail" }), 10_000));
      assert.deepEqual(
        order.filter((step) => step.startsWith("pub.") || step === "sub.after"),
        ["pub.before", "pub.after:-", "pub.finalizer:not_found"],
        "no subscriber after hook runs on a failure; the publisher's finalizer sees the error",
      );
    } finally {
      await sub.close();
    }
    assert.deepEqual(decisions, ["succeeded", "answered"], "the subscriber's finalizer sees each decision once");
    return tally.counts();
  },
};
