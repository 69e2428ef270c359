import assert from "node:assert/strict";
import { background, Code, isKitError } from "@kit/endpoint";
import { caseOptions, collector, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { rejection } from "./wait.ts";

/**
 * The requester's wait bound: a request with no deadline to an endpoint that never answers fails
 * with `deadline_exceeded` once the requester's `timeout` (here 500 ms) is over, not before,
 * and does not wait forever. (The 30 s default every Kit requester shares is the reply
 * correlator's, tested in `@kit/transport` itself.)
 */
export const defaultWaitBound: ConformanceCase = {
  name: "default-wait-bound",
  needs: [],
  timeout: 20_000,
  async run(harness) {
    const address = await harness.address("default-wait-bound");
    const tally = new Tally();
    const sub = await started(harness, address, async (ctx, probe) => {
      tally.handled(probe.id);
      await new Promise((resolve) => {
        ctx.signal.addEventListener("abort", resolve, { once: true });
      });
      throw ctx.signal.reason;
    }, caseOptions(collector(), { maxAttempts: 1, closeTimeout: 100 }));
    try {
      tally.sent(1);
      const call = harness.requester(address, { timeout: 500 });
      const begun = Date.now();
      const err = await rejection(call(background(), { id: 1 }), 10_000);
      const waited = Date.now() - begun;
      assert.ok(isKitError(err) && err.code === Code.DeadlineExceeded, `the request fails with deadline_exceeded, got ${String(err)}`);
      assert.ok(waited >= 450, `it waits its timeout (${String(waited)} ms)`);
    } finally {
      await sub.close();
    }
    return tally.counts();
  },
};
