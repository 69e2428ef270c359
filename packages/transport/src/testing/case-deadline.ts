import assert from "node:assert/strict";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import type { MessageDecision } from "../subscriber-options.ts";
import { caseOptions, collector, started, withDeadline, type ConformanceCase } from "./case.ts";
import type { ConformanceHarness } from "./harness.ts";
import { Tally } from "./tally.ts";
import { pause, poll, rejection } from "./wait.ts";

/**
 * Deadlines, queue time included: a one-way message published with 300 ms left that waits
 * 800 ms for a subscriber never reaches the endpoint, is never retried and is dead-lettered once
 * as `deadline_exceeded`, while one with time left is handled; and a request with 2 s left whose deadline
 * passes while the endpoint runs fails its caller with `deadline_exceeded` and cancels the
 * endpoint's context.
 */
export const deadline: ConformanceCase = {
  name: "deadline",
  needs: ["publisher", "deadLetters"],
  timeout: 30_000,
  async run(harness) {
    const tally = new Tally();
    await queued(harness, tally);
    await running(harness, tally);
    return tally.counts();
  },
};

async function queued(harness: ConformanceHarness, tally: Tally): Promise<void> {
  const { publisher, deadLetters } = harness;
  assert.ok(publisher !== undefined && deadLetters !== undefined);
  const address = await harness.address("deadline");
  const publish = publisher(address, {});
  await withDeadline(300, (ctx) => publish(ctx, { id: 1 }));
  await withDeadline(60_000, (ctx) => publish(ctx, { id: 2 }));
  tally.sent(2);
  await pause(800);
  const decisions: MessageDecision[] = [];
  const sub = await started(harness, address, (_ctx, probe) => {
    tally.handled(probe.id);
    return Promise.resolve({ id: probe.id });
  }, caseOptions(collector(), { finalizer: [(_ctx, outcome) => { decisions.push(outcome.decision); }] }));
  let letters;
  try {
    letters = await poll(() => deadLetters(address), (found) => found.length >= 1 && tally.complete(), 10_000);
    await pause(300);
  } finally {
    await sub.close();
  }
  assert.equal(tally.timesHandled(1), 0, "an expired arrival never reaches the endpoint");
  assert.equal(tally.timesHandled(2), 1, "a message with time left is handled");
  assert.equal(letters.length, 1, "the expired message is dead-lettered once");
  assert.equal(letters[0]?.headers.get("kit-error-code"), Code.DeadlineExceeded, "as deadline_exceeded");
  assert.ok(!decisions.includes("retried"), `it is never retried (decisions: ${decisions.join(", ")})`);
}

async function running(harness: ConformanceHarness, tally: Tally): Promise<void> {
  const address = await harness.address("deadline-running");
  let aborted = false;
  const sub = await started(harness, address, async (ctx, probe) => {
    tally.handled(probe.id);
    await new Promise<void>((resolve) => {
      ctx.signal.addEventListener("abort", () => { aborted = true; resolve(); }, { once: true });
    });
    throw ctx.signal.reason;
  }, caseOptions(collector(), { maxAttempts: 1 }));
  try {
    tally.sent(3);
    const call = harness.requester(address, {});
    const [ctx, cancel] = withTimeout(background(), 2_000);
    const err = await rejection(call(ctx, { id: 3 }), 10_000).finally(cancel);
    assert.ok(isKitError(err) && err.code === Code.DeadlineExceeded, `the caller fails with deadline_exceeded, got ${String(err)}`);
    assert.equal(tally.timesHandled(3), 1, "the request reached the endpoint within 2 s");
    await poll(() => Promise.resolve(aborted), (done) => done, 5_000);
    assert.ok(aborted, "the endpoint's context is canceled at the caller's deadline");
  } finally {
    await sub.close();
  }
}
