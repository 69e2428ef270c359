import assert from "node:assert/strict";
import { background, Code, isKitError, KitError } from "@kit/endpoint";
import { caseOptions, collector, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { pause, rejection } from "./wait.ts";

/**
 * The requester's wait bound: a request with no deadline to an endpoint that never answers fails
 * with `deadline_exceeded` once the requester's `timeout` (here 500 ms) is over, not before,
 * and does not wait forever (no outcome within 5 s fails the case). (The 30 s default every Kit requester shares is the reply
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
      await Promise.race([
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
        }),
        pause(8_000), // gives up by itself, so a server that waits for its calls to end can close
      ]);
      throw new KitError(Code.Unavailable, "no answer, on purpose");
    }, caseOptions(collector(), { maxAttempts: 1, closeTimeout: 100 }));
    try {
      tally.sent(1);
      const call = harness.requester(address, { timeout: 500 });
      const begun = Date.now();
      const err = await rejection(call(background(), { id: 1 }), 5_000);
      const waited = Date.now() - begun;
      assert.ok(isKitError(err) && err.code === Code.DeadlineExceeded, `the request fails with deadline_exceeded, got ${String(err)}`);
      assert.ok(waited >= 450, `it waits its timeout (${String(waited)} ms)`);
    } finally {
      await sub.close();
    }
    return tally.counts();
  },
};
