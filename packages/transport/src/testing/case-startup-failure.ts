import assert from "node:assert/strict";
import { isKitError } from "@kit/endpoint";
import type { Subscriber } from "../subscriber-options.ts";
import { type ConformanceCase } from "./case.ts";
import { rejection } from "./wait.ts";

/**
 * Startup failure: a subscriber whose source does not exist says so: its `ready` rejects (or the
 * async factory that makes it does) with a `KitError` (`not_found`, `permission_denied` or
 * `unavailable`) within 10 s, and `close()` still resolves.
 */
export const startupFailure: ConformanceCase = {
  name: "startup-failure",
  needs: ["serveBroken"],
  timeout: 30_000,
  async run(harness) {
    const address = await harness.address("startup-failure");
    let sub: Subscriber | undefined;
    const made = Promise.resolve(harness.serveBroken?.(address)).then((s) => {
      sub = s;
      return s?.ready;
    });
    try {
      const err = await rejection(made, 10_000);
      assert.ok(isKitError(err), `ready rejects with a KitError, got ${String(err)}`);
      assert.ok(["not_found", "permission_denied", "unavailable"].includes(err.code), `saying what is wrong, got ${err.code}: ${err.message}`);
    } finally {
      await sub?.close();
    }
    return undefined;
  },
};
