import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { background, withTimeout } from "@kit/endpoint";
import { caseOptions, collector, counting, started, type ConformanceCase } from "./case.ts";
import { report } from "./report.ts";
import { Tally } from "./tally.ts";
import { pause } from "./wait.ts";

const budget = 20_000;
const batch = 50;
/**
 * Requests before the heap is first measured (fewer for a harness that asks for fewer than this
 * in all): enough for what a transport makes once and keeps
 * (connection pools, parsers, optimised code), which 200 did not always cover (HTTP's heap grew
 * 1.7-4.6 MiB over 10,000 requests and 1.1 MiB over 30,000: no growth per request).
 */
const warmUp = 1_000;
/** Retained heap allowed per message, in bytes: a leaked closure or listener per message exceeds it. */
const bytesPerMessage = 300;

/**
 * Listener and heap growth: after up to 1,000 requests to warm up, over 10,000 requests (or
 * 20 s, whichever comes first) on one caller's context, 50 at a time, the abort listeners on that context come back to none, no
 * `MaxListenersExceededWarning` is emitted, the transport's own listeners (where the harness
 * counts them) come back to where they were, and the heap after a full collection grew by less
 * than 300 bytes a message.
 */
export const growth: ConformanceCase = {
  name: "growth",
  needs: [],
  timeout: 60_000,
  async run(harness) {
    const address = await harness.address("growth");
    const tally = new Tally();
    const sub = await started(harness, address, counting(tally), caseOptions(collector(), { concurrency: batch }));
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      if (warning.name === "MaxListenersExceededWarning") warnings.push(warning.message);
    };
    process.on("warning", onWarning);
    const [ctx, cancel] = withTimeout(background(), budget + 30_000);
    const call = harness.requester(address, {});
    const total = harness.growthMessages ?? 10_000;
    let sent = 0;
    let before: number;
    let listenersBefore: number;
    try {
      for (let done = 0; done < Math.min(warmUp, total); done += batch) await round(done, batch);
      listenersBefore = harness.listeners?.() ?? 0;
      before = heap();
      const end = Date.now() + budget;
      while (sent < total && Date.now() < end) await round(warmUp + sent, Math.min(batch, total - sent)).then((n) => { sent += n; });
    } finally {
      process.off("warning", onWarning);
    }
    await pause(200); // cleanup a transport does just after a call settles
    const grown = heap() - before;
    const abortListeners = getEventListeners(ctx.signal, "abort").length;
    const listenersAfter = harness.listeners?.() ?? 0;
    cancel();
    await sub.close();
    report(`${harness.name} growth: ${String(sent)} requests, heap ${(grown / 1_048_576).toFixed(2)} MiB`);
    assert.ok(sent >= Math.min(total, 1_000), `at least 1,000 requests ran (${String(sent)})`);
    assert.equal(abortListeners, 0, `no abort listener is left on the caller's context (${String(abortListeners)} left)`);
    assert.deepEqual(warnings, [], "no MaxListenersExceededWarning");
    assert.ok(listenersAfter <= listenersBefore, `the transport's listeners stay flat (${String(listenersBefore)} → ${String(listenersAfter)})`);
    assert.ok(grown < bytesPerMessage * sent + 1_048_576, `the heap stays flat (${String(grown)} bytes over ${String(sent)} messages)`);
    return tally.counts();

    async function round(first: number, n: number): Promise<number> {
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        tally.sent(first + i);
        calls.push(call(ctx, { id: first + i }));
      }
      await Promise.all(calls);
      return n;
    }
  },
};

/** The heap in use after a full collection. */
function heap(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
