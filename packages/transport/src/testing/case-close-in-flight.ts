import assert from "node:assert/strict";
import { caseOptions, collector, counting, sender, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { pause, until } from "./wait.ts";

const count = 100;

/**
 * `close()` with 100 messages in flight: every one of them finishes and is settled before
 * `close()` resolves (none lost), and the acks reached the broker by then: a fresh consumer on
 * the same address gets none of them again.
 */
export const closeInFlight: ConformanceCase = {
  name: "close-in-flight",
  needs: [],
  timeout: 45_000,
  async run(harness) {
    const address = await harness.address("close-in-flight");
    const tally = new Tally();
    let running = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const sub = await started(harness, address, async (_ctx, probe) => {
      running += 1;
      await gate;
      tally.handled(probe.id);
      return { id: probe.id };
    }, caseOptions(collector(), { concurrency: count }));
    const answers: Promise<unknown>[] = [];
    const send = sender(harness, address, answers);
    for (let id = 1; id <= count; id++) {
      await send({ id });
      tally.sent(id);
    }
    const full = await until(() => running >= count, 20_000);
    const closing = sub.close();
    await pause(100);
    open();
    await closing;
    await Promise.allSettled(answers);
    assert.ok(full, `all ${String(count)} messages were in flight at close (${String(running)})`);
    const counts = tally.counts();
    assert.equal(counts.lost, 0, "close() waits for every message in flight");
    const again = new Tally();
    const fresh = await started(harness, address, counting(again, "fresh"), caseOptions(collector()));
    try {
      await pause(harness.redeliveryTime ?? 1_500);
    } finally {
      await fresh.close();
    }
    let redelivered = 0;
    for (let id = 1; id <= count; id++) redelivered += again.timesHandled(id);
    assert.equal(redelivered, 0, `no message handled before close() resolved comes again: its ack reached the broker (${String(redelivered)} came again)`);
    return counts;
  },
};
