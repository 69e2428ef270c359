import assert from "node:assert/strict";
import { caseOptions, collector, counting, sender, started, withDeadline, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { until } from "./wait.ts";

/**
 * Round trip: 20 requests, each answered with its own reply, in order; then, where the transport
 * has a fire-and-forget publisher, 20 messages, each handled once.
 */
export const roundTrip: ConformanceCase = {
  name: "round-trip",
  needs: [],
  timeout: 30_000,
  async run(harness) {
    const address = await harness.address("round-trip");
    const tally = new Tally();
    const errors = collector();
    const sub = await started(harness, address, counting(tally), caseOptions(errors));
    try {
      const call = harness.requester(address, {});
      for (let id = 1; id <= 20; id++) {
        tally.sent(id);
        const reply = await withDeadline(10_000, (ctx) => call(ctx, { id }));
        assert.deepEqual(reply, { id, by: "server" }, "each request gets its own reply");
      }
      if (harness.publisher !== undefined) {
        const send = sender(harness, address);
        for (let id = 101; id <= 120; id++) {
          await send({ id });
          tally.sent(id);
        }
        await until(() => tally.complete(), 10_000);
      }
    } finally {
      await sub.close();
    }
    const counts = tally.counts();
    assert.equal(counts.lost, 0, "no message lost");
    assert.equal(counts.duplicated, 0, "no message handled twice");
    assert.deepEqual(errors.errors, [], "no error reported");
    return counts;
  },
};
