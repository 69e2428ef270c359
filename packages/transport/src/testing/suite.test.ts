import { KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CaseName, ConformanceHarness } from "./harness.ts";
import { caseNames, conformanceCases } from "./suite.ts";

/** A harness that lacks every case but `keep`, and has no fault to inject. */
function harness(keep: CaseName, more: Partial<ConformanceHarness> = {}): ConformanceHarness {
  const lacks = Object.fromEntries(caseNames.filter((name) => name !== keep).map((name) => [name, "not here"]));
  return {
    name: "fake",
    address: (label) => label,
    serve: () => Promise.reject(new Error("unused")),
    requester: () => () => Promise.reject(new Error("unused")),
    lacks,
    ...more,
  };
}

describe("conformanceCases", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("leaves out what the transport lacks, and runs the rest in order", () => {
    expect(conformanceCases(harness("poison")).map((c) => c.case)).toEqual(["poison"]);
    expect(conformanceCases({ ...harness("poison"), lacks: {} }).map((c) => c.case)).toEqual(caseNames);
  });

  it("fails a case whose harness member is missing, saying what to add", async () => {
    const [c] = conformanceCases(harness("startup-failure"));
    await expect(c?.run()).rejects.toThrow("needs the harness's serveBroken");
  });

  it("runs a known failure expecting it to fail, and names it with its reason", async () => {
    const [c] = conformanceCases(harness("startup-failure", { failing: { "startup-failure": "no check yet" } }));
    expect(c?.name).toBe("startup-failure (known failure: no check yet)");
    vi.spyOn(process.stdout, "write").mockReturnValue(true);
    await expect(c?.run()).resolves.toBeUndefined();
  });

  it("fails a known failure that passes, so it comes off the list", async () => {
    const refusing = { ready: Promise.reject(new KitError("not_found", "no such queue")), close: () => Promise.resolve(), [Symbol.asyncDispose]: () => Promise.resolve() };
    refusing.ready.catch(() => undefined);
    vi.spyOn(process.stdout, "write").mockReturnValue(true);
    const [c] = conformanceCases(harness("startup-failure", { serveBroken: () => refusing, failing: { "startup-failure": "no check yet" } }));
    await expect(c?.run()).rejects.toThrow("is listed as failing (no check yet) but passed");
  });

  it("runs known failures as normal cases with KIT_CONFORMANCE_RUN_FAILING=1", async () => {
    vi.stubEnv("KIT_CONFORMANCE_RUN_FAILING", "1");
    const [c] = conformanceCases(harness("startup-failure", { failing: { "startup-failure": "no check yet" } }));
    expect(c?.name).toBe("startup-failure");
    await expect(c?.run()).rejects.toThrow("needs the harness's serveBroken");
  });
});
