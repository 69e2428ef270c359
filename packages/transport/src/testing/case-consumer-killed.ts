import assert from "node:assert/strict";
import { caseOptions, collector, counting, sender, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { until } from "./wait.ts";

const count = 20;

/**
 * A consumer killed mid-flight: the messages it held are delivered again to another consumer,
 * and every message is handled (none lost).
 */
export const consumerKilled: ConformanceCase = {
  name: "consumer-killed",
  needs: ["killableConsumer"],
  timeout: 60_000,
  async run(harness) {
    const address = await harness.address("consumer-killed");
    const tally = new Tally();
    const send = sender(harness, address);
    for (let id = 1; id <= count; id++) {
      await send({ id });
      tally.sent(id);
    }
    const doomed = await harness.killableConsumer?.(address);
    assert.ok(doomed !== undefined);
    await doomed.kill();
    const sub = await started(harness, address, counting(tally), caseOptions(collector()));
    try {
      await until(() => tally.complete(), 10_000 + (harness.redeliveryTime ?? 1_500));
    } finally {
      await sub.close();
    }
    const counts = tally.counts();
    assert.equal(counts.lost, 0, "what the killed consumer held is delivered again");
    assert.equal(counts.duplicated, 0, "and handled once");
    return counts;
  },
};
