import assert from "node:assert/strict";
import { background, Code, isKitError, isRetryable, KitError, withCancel, withTimeout } from "@kit/endpoint";
import { caseOptions, collector, started, withDeadline, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import type { ConformanceHarness } from "./harness.ts";
import { pause, poll, rejection, until } from "./wait.ts";

const codes = Object.values(Code);

/**
 * Error codes both ways: an endpoint failing with each Kit code fails its caller with that code
 * and message (a request), or dead-letters the message with it in `kit-error-code` (a
 * one-way message, where the transport has a dead letter); and a caller whose context is already
 * canceled or expired fails with `canceled` or `deadline_exceeded` without a message being handled.
 */
export const errorCodes: ConformanceCase = {
  name: "error-codes",
  needs: [],
  timeout: 40_000,
  async run(harness) {
    const address = await harness.address("error-codes");
    const tally = new Tally();
    const sub = await started(
      harness,
      address,
      (_ctx, probe) => {
        tally.handled(probe.id);
        return Promise.reject(new KitError(probe.op as Code, `failed with ${String(probe.op)}`));
      },
      caseOptions(collector(), { maxAttempts: 1 }),
    );
    try {
      const call = harness.requester(address, {});
      let id = 0;
      for (const code of codes) {
        tally.sent((id += 1));
        const err = await withDeadline(10_000, (ctx) => rejection(call(ctx, { id, op: code }), 10_000));
        assert.ok(isKitError(err), `${code}: the caller gets a KitError, got ${String(err)}`);
        assert.equal(err.code, code, `${code}: the caller gets the endpoint's code`);
        assert.equal(err.message, `failed with ${code}`, `${code}: the caller gets the endpoint's message`);
      }
      await callerSide(harness, address, tally);
      if (harness.publisher !== undefined && harness.deadLetters !== undefined) await deadLettered(harness, address, tally);
    } finally {
      await sub.close();
    }
    const counts = tally.counts();
    assert.equal(counts.lost, 0, "every request was handled");
    return counts;
  },
};

async function callerSide(harness: ConformanceHarness, address: string, tally: Tally): Promise<void> {
  const call = harness.requester(address, {});
  const [done, cancel] = withCancel(background());
  cancel();
  const canceled = await rejection(call(done, { id: 9_001 }), 5_000);
  assert.ok(isKitError(canceled) && canceled.code === Code.Canceled, `a canceled caller fails with canceled, got ${String(canceled)}`);
  const [late, stop] = withTimeout(background(), 1);
  try {
    await until(() => late.signal.aborted, 1_000);
    const expired = await rejection(call(late, { id: 9_002 }), 5_000);
    assert.ok(isKitError(expired) && expired.code === Code.DeadlineExceeded, `an expired caller fails with deadline_exceeded, got ${String(expired)}`);
  } finally {
    stop();
  }
  await pause(200);
  assert.equal(tally.timesHandled(9_001) + tally.timesHandled(9_002), 0, "a call whose context was done is not sent");
}

async function deadLettered(harness: ConformanceHarness, address: string, tally: Tally): Promise<void> {
  const { publisher, deadLetters } = harness;
  if (publisher === undefined || deadLetters === undefined) return;
  const publish = publisher(address, {});
  const oneWay = codes.filter((code) => !isRetryable(code)).slice(0, 4);
  let id = 500;
  for (const code of oneWay) {
    tally.sent((id += 1));
    await withDeadline(10_000, (ctx) => publish(ctx, { id, op: code }));
  }
  const letters = await poll(() => deadLetters(address), (found) => found.length >= oneWay.length, 10_000);
  const found = letters.map((letter) => letter.headers.get("kit-error-code") ?? "").sort();
  assert.deepEqual(found, [...oneWay].sort(), "each one-way failure is dead-lettered once, with its code");
}
