import assert from "node:assert/strict";
import { Code } from "@kit/endpoint";
import { caseOptions, collector, counting, garbage, isGarbage, sender, started, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { pause, poll } from "./wait.ts";

/**
 * Poison: bytes that are not JSON, put on the address of a running subscriber by a producer
 * outside Kit, and five messages behind them: the garbage is delivered
 * once, never reaches the endpoint and is dead-lettered once as `invalid_argument` with its body
 * unchanged; the messages behind it are handled.
 */
export const poison: ConformanceCase = {
  name: "poison",
  needs: ["publishRaw", "deadLetters"],
  timeout: 30_000,
  async run(harness) {
    const { publishRaw, deadLetters } = harness;
    assert.ok(publishRaw !== undefined && deadLetters !== undefined);
    const address = await harness.address("poison");
    const tally = new Tally();
    let deliveries = 0;
    const sub = await started(harness, address, counting(tally), caseOptions(collector(), {
      before: [(ctx, message) => {
        if (isGarbage(message.body)) deliveries += 1;
        return ctx;
      }],
    }));
    let letters;
    try {
      await publishRaw(address, garbage, {});
      const send = sender(harness, address);
      for (let id = 1; id <= 5; id++) {
        await send({ id });
        tally.sent(id);
      }
      letters = await poll(() => deadLetters(address), (found) => found.length >= 1 && tally.complete(), 10_000);
      await pause(500);
      letters = await deadLetters(address);
    } finally {
      await sub.close();
    }
    assert.equal(deliveries, 1, "the poison message is delivered once");
    assert.equal(letters.length, 1, "and dead-lettered once");
    const letter = letters.at(0);
    assert.ok(letter !== undefined);
    assert.equal(letter.headers.get("kit-error-code"), Code.InvalidArgument, "as invalid_argument");
    assert.deepEqual(Array.from(letter.body), Array.from(garbage), "with its body unchanged");
    const counts = tally.counts();
    assert.equal(counts.lost, 0, "the messages behind it are handled");
    return counts;
  },
};
