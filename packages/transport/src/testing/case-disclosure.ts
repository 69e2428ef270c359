import assert from "node:assert/strict";
import { Code, isKitError } from "@kit/endpoint";
import { caseOptions, collector, started, withDeadline, type ConformanceCase } from "./case.ts";
import { Tally } from "./tally.ts";
import { rejection } from "./wait.ts";

const secret = "password=hunter2 at db-7.internal";

/**
 * Disclosure: an endpoint that throws a plain `Error` fails its caller with `internal` and a
 * generic message that does not contain the error's text; the text goes to the error handler.
 */
export const disclosure: ConformanceCase = {
  name: "disclosure",
  needs: [],
  timeout: 20_000,
  async run(harness) {
    const address = await harness.address("disclosure");
    const tally = new Tally();
    const errors = collector();
    const sub = await started(
      harness,
      address,
      (_ctx, probe) => {
        tally.handled(probe.id);
        return Promise.reject(new Error(`connect failed: ${secret}`));
      },
      caseOptions(errors, { maxAttempts: 1 }),
    );
    try {
      tally.sent(1);
      const call = harness.requester(address, {});
      const err = await withDeadline(10_000, (ctx) => rejection(call(ctx, { id: 1 }), 10_000));
      assert.ok(isKitError(err), `the caller gets a KitError, got ${String(err)}`);
      assert.equal(err.code, Code.Internal, "a plain Error reaches the caller as internal");
      assert.ok(!err.message.includes("hunter2"), `the caller does not see the error's text: ${err.message}`);
    } finally {
      await sub.close();
    }
    assert.ok(
      errors.errors.some((e) => e.message.includes("hunter2")),
      "the error handler sees the error's text",
    );
    return tally.counts();
  },
};
