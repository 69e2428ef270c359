import pino from "pino";
import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import { debug, error, filter, info, values, warn } from "./level.ts";
import { pinoLogger } from "./pino.ts";
import { valuer } from "./valuer.ts";
import { with as withKeyvals, withPrefix, withSuffix } from "./with.ts";

/** A pino logger writing to a captured stream, and what it wrote, parsed. */
function setup(options: pino.LoggerOptions = {}): { logger: pino.Logger; records: () => unknown[] } {
  const out = capture();
  const logger = pino({ base: null, timestamp: false, ...options }, out);
  return { logger, records: () => out.chunks.map((chunk) => JSON.parse(chunk) as unknown) };
}

describe("pinoLogger", () => {
  it("turns a leveled record into the matching pino call: level, fields, msg", () => {
    const { logger, records } = setup({ level: "debug" });
    const kit = pinoLogger(logger);
    debug(kit).log("msg", "d", "n", 1);
    info(kit).log("msg", "i", "ok", true);
    warn(kit).log("msg", "w");
    error(kit).log("msg", "e");
    expect(records()).toEqual([
      { level: 20, msg: "d", n: 1 },
      { level: 30, msg: "i", ok: true },
      { level: 40, msg: "w" },
      { level: 50, msg: "e" },
    ]);
  });

  it("logs a record without a level at info, and one without msg without a message", () => {
    const { logger, records } = setup();
    pinoLogger(logger).log("user", "ada");
    expect(records()).toEqual([{ level: 30, user: "ada" }]);
  });

  it("writes the with context as pino's bindings, and valuers at each call", () => {
    const { logger, records } = setup();
    let n = 0;
    const kit = withSuffix(withKeyvals(pinoLogger(logger), "svc", "api", "n", valuer(() => ++n)), "end", true);
    info(kit).log("msg", "a");
    kit.log("msg", "b");
    expect(records()).toEqual([
      { level: 30, svc: "api", n: 1, end: true, msg: "a" },
      { level: 30, svc: "api", n: 2, end: true, msg: "b" },
    ]);
  });

  it("honours pino's level, also when it changes after the logger was made", () => {
    const { logger, records } = setup({ level: "warn" });
    const kit = withKeyvals(pinoLogger(logger), "svc", "api");
    info(kit).log("msg", "dropped");
    logger.level = "info";
    info(kit).log("msg", "kept");
    expect(records()).toEqual([{ level: 30, svc: "api", msg: "kept" }]);
  });

  it("uses the level of a record or a with context, under any key", () => {
    const { logger, records } = setup();
    const kit = pinoLogger(logger);
    kit.log("level", values.error, "msg", "in record");
    withKeyvals(kit, "severity", values.warn).log("msg", "in context");
    expect(records()).toEqual([
      { level: 50, msg: "in record" },
      { level: 40, msg: "in context" },
    ]);
  });

  it("lets pino serialize an Error under err, and prints other Errors' messages", () => {
    const { logger, records } = setup();
    pinoLogger(logger).log("msg", "failed", "err", new TypeError("bad input"), "cause", new Error("root"));
    const [record] = records() as [{ err: Record<string, unknown>; cause: unknown }];
    expect(record.err).toMatchObject({ type: "TypeError", message: "bad input" });
    expect(record.err.stack).toMatch(/^TypeError: bad input\n/);
    expect(record.cause).toBe("root");
  });

  it("gives an odd record's last key (MISSING) and undefined null", () => {
    const { logger, records } = setup();
    pinoLogger(logger).log("u", undefined, "orphan");
    expect(records()).toEqual([{ level: 30, u: null, orphan: "(MISSING)" }]);
  });

  it("goes through pino's redaction and serializers", () => {
    const { logger, records } = setup({
      redact: ["password"],
      serializers: { user: (user: { name: string }) => user.name },
    });
    const kit = withKeyvals(pinoLogger(logger), "user", { name: "ada", secret: 1 });
    kit.log("msg", "login", "password", "hunter2");
    expect(records()).toEqual([{ level: 30, user: "ada", password: "[Redacted]", msg: "login" }]);
  });

  it("keeps the last value of a key repeated in the context", () => {
    const { logger, records } = setup();
    const kit = withPrefix(withKeyvals(pinoLogger(logger), "k", "old"), "k", "new");
    kit.log("msg", "hi");
    expect(records()).toEqual([{ level: 30, k: "old", msg: "hi" }]);
  });

  it("is filtered by level.filter before pino sees the record", () => {
    const { logger, records } = setup({ level: "debug" });
    const kit = filter(pinoLogger(logger), { allow: "info" });
    debug(kit).log("msg", "dropped");
    info(withKeyvals(kit, "svc", "api")).log("msg", "kept");
    expect(records()).toEqual([{ level: 30, svc: "api", msg: "kept" }]);
  });

  it("does not throw when pino fails to serialize a record", () => {
    const { logger, records } = setup({
      serializers: {
        bad: () => {
          throw new Error("serializer bug");
        },
      },
    });
    expect(() => {
      pinoLogger(logger).log("bad", 1);
    }).not.toThrow();
    expect(records()).toEqual([]);
  });

  it("writes each record with its own fields when records of different shapes alternate", () => {
    const { logger, records } = setup();
    const kit = info(pinoLogger(logger));
    for (let i = 0; i < 2; i++) {
      kit.log("msg", "a", "x", i);
      kit.log("msg", "b", "y", i, "z", "zz");
      kit.log("x", i, "msg", "c");
    }
    expect(records()).toEqual([
      { level: 30, msg: "a", x: 0 },
      { level: 30, msg: "b", y: 0, z: "zz" },
      { level: 30, msg: "c", x: 0 },
      { level: 30, msg: "a", x: 1 },
      { level: 30, msg: "b", y: 1, z: "zz" },
      { level: 30, msg: "c", x: 1 },
    ]);
  });

  it("reads the level from a record whose keys match an earlier record's", () => {
    const { logger, records } = setup();
    const kit = pinoLogger(logger);
    kit.log("msg", "first", "tag", "plain");
    kit.log("msg", "second", "tag", values.error);
    expect(records()).toEqual([
      { level: 30, msg: "first", tag: "plain" },
      { level: 50, msg: "second" },
    ]);
  });

  it("keeps the last msg and the last value of a repeated key", () => {
    const { logger, records } = setup();
    pinoLogger(logger).log("msg", "old", "a", 1, "a", 2, "msg", "new");
    expect(records()).toEqual([{ level: 30, a: 2, msg: "new" }]);
  });

  it("writes a __proto__ key as a field without touching the object's prototype", () => {
    const { logger, records } = setup();
    pinoLogger(logger).log("__proto__", { polluted: true }, "msg", "hi");
    expect(records()).toEqual([{ level: 30, ["__proto__"]: { polluted: true }, msg: "hi" }]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
