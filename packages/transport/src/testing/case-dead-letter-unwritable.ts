import assert from "node:assert/strict";
import { caseOptions, collector, counting, isGarbage, sender, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { pause, until } from "./wait.ts";

const window = 3_000;
/** The most deliveries a second of one message whose dead letter fails, before it counts as a spin. */
const maxPerSecond = 10;

/**
 * A dead letter that cannot be written: a poison message whose dead letter the broker refuses
 * is not tried in a tight loop (at most 10 deliveries a second over 3 s, and as many reports to
 * the error handler), and the messages behind it are handled meanwhile.
 */
export const deadLetterUnwritable: ConformanceCase = {
  name: "dead-letter-unwritable",
  needs: ["poisonWithoutDeadLetter"],
  timeout: 30_000,
  async run(harness) {
    const address = await harness.address("dead-letter-unwritable");
    const tally = new Tally();
    let deliveries = 0;
    const errors = collector();
    const sub = await started(harness, address, counting(tally), caseOptions(errors, {
      before: [(ctx, message) => {
        if (isGarbage(message.body)) deliveries += 1;
        return ctx;
      }],
    }));
    const begun = Date.now();
    let flowed: boolean;
    try {
      await harness.poisonWithoutDeadLetter?.(address);
      const send = sender(harness, address);
      for (let id = 1; id <= 5; id++) {
        await send({ id });
        tally.sent(id);
      }
      flowed = await until(() => tally.complete(), 10_000);
      await pause(Math.max(0, window - (Date.now() - begun)));
    } finally {
      await sub.close();
    }
    const seconds = (Date.now() - begun) / 1_000;
    assert.ok(deliveries >= 1, "the poison message was delivered");
    assert.ok(deliveries <= maxPerSecond * seconds, `no spin: ${String(deliveries)} deliveries in ${seconds.toFixed(1)} s`);
    assert.ok(errors.errors.length <= 2 * maxPerSecond * seconds, `no flood of reports: ${String(errors.errors.length)} in ${seconds.toFixed(1)} s`);
    assert.ok(flowed, "the messages behind it are handled");
    return tally.counts();
  },
};
