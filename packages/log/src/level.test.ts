import { describe, expect, it, vi } from "vitest";
import { capture } from "../test/support/capture.ts";
import { jsonLogger } from "./json.ts";
import { debug, error, filter, info, injector, parse, parseDefault, values, warn } from "./level.ts";
import { logfmtLogger } from "./logfmt.ts";
import { valuer } from "./valuer.ts";
import { with as withKeyvals } from "./with.ts";

describe("debug, info, warn, error", () => {
  it("put level=<name> first in every record", () => {
    const out = capture();
    const logger = withKeyvals(logfmtLogger(out), "svc", "api");
    debug(logger).log("msg", "d");
    info(logger).log("msg", "i");
    warn(logger).log("msg", "w");
    error(logger).log("msg", "e");
    expect(out.chunks).toEqual([
      "level=debug svc=api msg=d\n",
      "level=info svc=api msg=i\n",
      "level=warn svc=api msg=w\n",
      "level=error svc=api msg=e\n",
    ]);
  });

  it("write the level as a JSON string", () => {
    const out = capture();
    warn(jsonLogger(out)).log("msg", "careful");
    expect(out.chunks).toEqual(['{"level":"warn","msg":"careful"}\n']);
  });

  it("return the same logger each time for the same logger, so calling them at each log site is cheap", () => {
    const logger = logfmtLogger(capture());
    expect(info(logger)).toBe(info(logger));
    const custom = { log: vi.fn() };
    expect(error(custom)).toBe(error(custom));
    expect(error(custom)).not.toBe(info(custom));
  });
});

describe("values", () => {
  it("print as their names", () => {
    expect(String(values.debug)).toBe("debug");
    expect(JSON.stringify({ level: values.error })).toBe('{"level":"error"}');
  });
});

describe("filter", () => {
  function setup(options: Parameters<typeof filter>[1]): { lines: string[]; logger: ReturnType<typeof filter> } {
    const out = capture();
    return { lines: out.chunks, logger: filter(logfmtLogger(out), options) };
  }

  it("lets through the allowed level and the more severe ones", () => {
    const { lines, logger } = setup({ allow: "info" });
    debug(logger).log("msg", "d");
    info(logger).log("msg", "i");
    warn(logger).log("msg", "w");
    error(logger).log("msg", "e");
    expect(lines).toEqual(["level=info msg=i\n", "level=warn msg=w\n", "level=error msg=e\n"]);
  });

  it('lets every level through with "all" and none with "none"', () => {
    const all = setup({ allow: "all" });
    debug(all.logger).log("msg", "d");
    const none = setup({ allow: "none" });
    error(none.logger).log("msg", "e");
    none.logger.log("msg", "no level");
    expect(all.lines).toEqual(["level=debug msg=d\n"]);
    expect(none.lines).toEqual(["msg=\"no level\"\n"]);
  });

  it("drops every leveled record when made with no allow, as Go kit's filter with no option", () => {
    for (const options of [undefined, {}]) {
      const out = capture();
      const logger = filter(logfmtLogger(out), options);
      debug(logger).log("msg", "d");
      error(logger).log("msg", "e");
      logger.log("msg", "plain");
      expect(out.chunks).toEqual(["msg=plain\n"]);
    }
  });

  it("refuses an allow it does not know, such as a differently-cased or misspelled name, instead of failing open", () => {
    for (const allow of ["INFO", "warning", "", "trace", 3, null]) {
      expect(() => filter(logfmtLogger(capture()), { allow: allow as "info" })).toThrow(
        /level\.filter: allow must be "debug", "info", "warn", "error", "all", "none" or a level value/,
      );
    }
  });

  it("takes a level value as allow, as Go kit's level.Allow", () => {
    const { lines, logger } = setup({ allow: values.warn });
    info(logger).log("msg", "i");
    warn(logger).log("msg", "w");
    expect(lines).toEqual(["level=warn msg=w\n"]);
  });

  it("lets records without a level through unless squelchNoLevel is set", () => {
    const passing = setup({ allow: "warn" });
    passing.logger.log("msg", "plain");
    const squelching = setup({ allow: "warn", squelchNoLevel: true });
    squelching.logger.log("msg", "plain");
    error(squelching.logger).log("msg", "leveled");
    expect(passing.lines).toEqual(["msg=plain\n"]);
    expect(squelching.lines).toEqual(["level=error msg=leveled\n"]);
  });

  it("recognises a level added through with, under any key, or in the record", () => {
    const { lines, logger } = setup({ allow: "warn" });
    withKeyvals(logger, "level", values.info).log("msg", "dropped");
    withKeyvals(logger, "severity", values.error).log("msg", "kept");
    logger.log("level", values.debug, "msg", "dropped too");
    logger.log("msg", "kept too", "level", values.warn);
    expect(lines).toEqual(["severity=error msg=kept\n", "msg=\"kept too\" level=warn\n"]);
  });

  it("judges a record by its first level, as Go kit", () => {
    const { lines, logger } = setup({ allow: "info" });
    info(debug(logger)).log("msg", "kept");
    debug(info(logger)).log("msg", "dropped");
    expect(lines).toEqual(["level=info level=debug msg=kept\n"]);
  });

  it("does not mistake a look-alike object for a level", () => {
    const { lines, logger } = setup({ allow: "info", squelchNoLevel: true });
    logger.log("level", { name: "error", toString: () => "error" }, "msg", "fake");
    expect(lines).toEqual([]);
  });

  it("does not compute the valuers of a record it drops", () => {
    const clock = vi.fn(() => "now");
    const { lines, logger } = setup({ allow: "info" });
    const withClock = withKeyvals(logger, "ts", valuer(clock));
    debug(withClock).log("msg", "dropped");
    info(withClock).log("msg", "kept");
    expect(clock).toHaveBeenCalledTimes(1);
    expect(lines).toEqual(["level=info ts=now msg=kept\n"]);
  });

  it("filters a record whose level comes from a valuer", () => {
    const { lines, logger } = setup({ allow: "warn" });
    let current = values.info;
    const dynamic = withKeyvals(logger, "level", valuer(() => current));
    dynamic.log("msg", "dropped");
    current = values.error;
    dynamic.log("msg", "kept");
    expect(lines).toEqual(["level=error msg=kept\n"]);
  });

  it("keeps the context of a logger it wraps", () => {
    const out = capture();
    const logger = filter(withKeyvals(logfmtLogger(out), "svc", "api"), { allow: "info" });
    warn(withKeyvals(logger, "req", 7)).log("msg", "slow");
    debug(logger).log("msg", "dropped");
    expect(out.chunks).toEqual(["svc=api level=warn req=7 msg=slow\n"]);
  });
});

describe("parse", () => {
  it("reads a level name trimmed and lower-cased, as Go kit's level.Parse", () => {
    expect(parse("debug")).toBe(values.debug);
    expect(parse(" INFO ")).toBe(values.info);
    expect(parse("Warn")).toBe(values.warn);
    expect(parse("ERROR\n")).toBe(values.error);
  });

  it("refuses any other name with an error naming it and the accepted ones", () => {
    for (const text of ["warning", "", "all", "trace", "inf o"]) {
      expect(() => parse(text)).toThrow(new TypeError(`invalid level ${JSON.stringify(text)}: expected "debug", "info", "warn" or "error"`));
    }
  });

  it("gives a filter that never fails open for a level read from the environment", () => {
    const out = capture();
    const logger = filter(logfmtLogger(out), { allow: parse("WARN") });
    debug(logger).log("msg", "d");
    info(logger).log("msg", "i");
    error(logger).log("msg", "e");
    expect(out.chunks).toEqual(["level=error msg=e\n"]);
  });
});

describe("parseDefault", () => {
  it("gives the fallback for a missing or unknown name, as Go kit's level.ParseDefault", () => {
    expect(parseDefault(undefined, values.info)).toBe(values.info);
    expect(parseDefault("verbose", values.warn)).toBe(values.warn);
    expect(parseDefault("Debug", values.warn)).toBe(values.debug);
  });
});

describe("injector", () => {
  it("gives records without a level the injected one before their keyvals, and leaves leveled records alone, as Go kit's level.NewInjector", () => {
    const out = capture();
    const logger = injector(withKeyvals(logfmtLogger(out), "svc", "api"), values.info);
    logger.log("msg", "plain");
    error(logger).log("msg", "leveled");
    withKeyvals(logger, "severity", values.warn).log("msg", "own level under another key");
    expect(out.chunks).toEqual([
      "svc=api level=info msg=plain\n",
      "svc=api level=error msg=leveled\n",
      'svc=api severity=warn msg="own level under another key"\n',
    ]);
  });

  it("lets a filter under it judge unleveled records by the injected level", () => {
    const out = capture();
    const logger = injector(filter(logfmtLogger(out), { allow: "warn" }), values.info);
    logger.log("msg", "dropped: injected info");
    warn(logger).log("msg", "kept");
    expect(out.chunks).toEqual(["level=warn msg=kept\n"]);
  });

  it("passes pairs to a logger that is not Kit's", () => {
    const seen: unknown[][] = [];
    injector({ log: (...keyvals: unknown[]) => seen.push(keyvals) }, values.debug).log("msg", "hi");
    expect(seen).toEqual([["level", values.debug, "msg", "hi"]]);
  });
});
