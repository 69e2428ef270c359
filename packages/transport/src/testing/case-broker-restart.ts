import assert from "node:assert/strict";
import { answeredSender, caseOptions, collector, counting, sender, started, type ConformanceCase } from "./case.ts";
import { report } from "./report.ts";
import { Tally } from "./tally.ts";
import { pause, until } from "./wait.ts";

/**
 * Broker restart: with a subscriber running and a publisher sending every 20 ms, the broker is
 * restarted; publishes may fail while it is away, but every acknowledged one is handled (none
 * lost), and the subscriber handles new messages within 10 s of the broker's return. On a
 * transport without a fire-and-forget publisher (NATS core, NATS services) it sends requests, and
 * one counts as acknowledged once it is answered.
 */
export const brokerRestart: ConformanceCase = {
  name: "broker-restart",
  needs: ["restartBroker"],
  timeout: 200_000,
  async run(harness) {
    const address = await harness.address("broker-restart");
    const tally = new Tally();
    const sub = await started(harness, address, counting(tally), caseOptions(collector()));
    // Without a fire-and-forget publisher, a request counts as sent once it is answered.
    const send = harness.publisher === undefined ? answeredSender(harness, address) : sender(harness, address);
    const state = { stop: false };
    let id = 0;
    let failed = 0;
    const publishing = (async () => {
      while (!state.stop) {
        const next = (id += 1);
        await send({ id: next }).then(() => { tally.sent(next); }, () => { failed += 1; });
        await pause(20);
      }
    })();
    let resumedIn: number;
    try {
      await until(() => tally.counts().handled >= 10, 10_000);
      await harness.restartBroker?.();
      const back = Date.now();
      const mark = id;
      await until(() => tally.highest() > mark, 30_000);
      resumedIn = Date.now() - back;
      await pause(1_000);
      state.stop = true;
      await publishing;
      // A message sent just before or after the restart may wait for the group's rebalance (Kafka)
      // or a redelivery: it counts as lost only when it is still not handled a minute later.
      await until(() => tally.complete(), 60_000);
    } finally {
      state.stop = true;
      await publishing;
      await sub.close();
    }
    const counts = tally.counts();
    report(`${harness.name} broker-restart: resumed in ${String(resumedIn)} ms, ${String(failed)} publishes refused while away`);
    assert.ok(resumedIn <= 10_000, `the subscriber resumes within 10 s of the broker's return (${String(resumedIn)} ms)`);
    assert.equal(counts.lost, 0, `no acknowledged message is lost (not handled within 60 s: ids ${tally.unhandled().slice(0, 20).join(", ")}, of ${String(id)} publishes)`);
    return counts;
  },
};

