import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { capture } from "../../test/support/capture.ts";
import { pinoLogger } from "../pino.ts";
import { with as withKeyvals } from "../with.ts";

describe("FieldBuilder", () => {
  it("writes the same records when code generation is not allowed", () => {
    const refused = vi.fn(function refuse() {
      throw new EvalError("Code generation from strings disallowed for this context");
    });
    vi.stubGlobal("Function", refused);
    const out = capture();
    const kit = withKeyvals(pinoLogger(pino({ base: null, timestamp: false }, out)), "svc", "api");
    kit.log("msg", "one", "n", 1, "err", new Error("boom"));
    kit.log("msg", "two", "n", 2, "orphan");
    vi.unstubAllGlobals();
    const records = out.chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>);
    expect(records).toMatchObject([
      { level: 30, svc: "api", msg: "one", n: 1, err: { type: "Error", message: "boom" } },
      { level: 30, svc: "api", msg: "two", n: 2, orphan: "(MISSING)" },
    ]);
    expect(refused).toHaveBeenCalledTimes(1);
  });
});
