import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import { logfmtLogger } from "./logfmt.ts";

function line(...keyvals: unknown[]): string {
  const out = capture();
  logfmtLogger(out).log(...keyvals);
  expect(out.chunks).toHaveLength(1);
  return out.chunks[0]!;
}

describe("logfmtLogger", () => {
  it("writes one line of key=value pairs per record, in one write", () => {
    const out = capture();
    const logger = logfmtLogger(out);
    logger.log("msg", "started", "port", 8080, "tls", false);
    logger.log("msg", "stopped");
    expect(out.chunks).toEqual(["msg=started port=8080 tls=false\n", "msg=stopped\n"]);
  });

  it("gives the last key of an odd record the value (MISSING)", () => {
    expect(line("msg", "hi", "orphan")).toBe("msg=hi orphan=(MISSING)\n");
  });

  it("quotes and escapes strings holding spaces, =, quotes or control characters", () => {
    expect(line("a", "two words", "b", "x=y", "c", 'say "hi"', "d", "line\nbreak\ttab", "e", "back\\slash")).toBe(
      'a="two words" b="x=y" c="say \\"hi\\"" d="line\\nbreak\\ttab" e=back\\slash\n',
    );
  });

  it("quotes the empty string", () => {
    expect(line("name", "")).toBe('name=""\n');
  });

  it("escapes invisible characters that could disguise a line", () => {
    expect(line("user", "admin\u202e\u200b", "del", "a\u007fb", "nel", "a\u0085b", "ls", "a\u2028b")).toBe(
      'user="admin\\u202e\\u200b" del="a\\u007fb" nel="a\\u0085b" ls="a\\u2028b"\n',
    );
  });

  it("quotes a lone surrogate but leaves emoji and accents bare", () => {
    expect(line("ok", "café😀", "bad", "x\ud800")).toBe('ok=café😀 bad="x\\ud800"\n');
  });

  it("quotes the string null, as go-logfmt, so it reads apart from a null value", () => {
    expect(line("s", "null", "n", null, "e", new Error("null"), "t", "true", "m", "(MISSING)")).toBe(
      's="null" n=null e="null" t=true m=(MISSING)\n',
    );
    expect(line("j", { toJSON: () => null }, "u", undefined)).toBe("j=null u=null\n");
  });

  it("prints null and undefined as null", () => {
    expect(line("a", null, "b", undefined)).toBe("a=null b=null\n");
  });

  it("prints an Error's message", () => {
    expect(line("err", new Error("card declined"), "bare", new TypeError("nope"))).toBe(
      'err="card declined" bare=nope\n',
    );
  });

  it("prints numbers, BigInts, symbols and dates as text", () => {
    expect(
      line("n", -1.5, "nan", Number.NaN, "big", 12345678901234567890n, "sym", Symbol("s"), "at", new Date(0)),
    ).toBe("n=-1.5 nan=NaN big=12345678901234567890 sym=Symbol(s) at=1970-01-01T00:00:00.000Z\n");
  });

  it("prints objects and arrays as JSON, quoted when they hold quotes", () => {
    expect(line("list", [1, 2], "user", { id: 7, name: "ada" })).toBe(
      'list=[1,2] user="{\\"id\\":7,\\"name\\":\\"ada\\"}"\n',
    );
  });

  it("prints a cycle as [Circular] and a nested BigInt as a number instead of throwing", () => {
    const node: Record<string, unknown> = { id: 1n };
    node.self = node;
    expect(line("node", node)).toBe('node="{\\"id\\":1,\\"self\\":\\"[Circular]\\"}"\n');
  });

  it("prints (ERROR: …) for a value whose toJSON throws, and still writes the record", () => {
    const bad = {
      toJSON() {
        throw new Error("boom");
      },
    };
    expect(line("v", bad, "next", 1)).toBe('v="(ERROR: boom)" next=1\n');
  });

  it("prints functions by name", () => {
    function handler(): void {
      // nothing
    }
    expect(line("fn", handler)).toBe('fn="[Function: handler]"\n');
  });

  it("replaces the characters a key may not hold with _", () => {
    expect(line("user id", 1, "a=b", 2, 'q"', 3, "", 4, 5, 6)).toBe('user_id=1 a_b=2 q_=3 _=4 5=6\n');
  });

  it("writes keys made at run time as it writes literals, however many and however long", () => {
    for (let i = 0; i < 1500; i++) expect(line(`field ${i}`, i, "msg", "x")).toBe(`field_${i}=${i} msg=x\n`);
    const long = `${"k".repeat(100)} =`;
    expect(line("msg", "x", long, 1, long, 2)).toBe(`msg=x ${"k".repeat(100)}__=1 ${"k".repeat(100)}__=2\n`);
  });

  it("writes an empty line for an empty record, as Go kit", () => {
    expect(line()).toBe("\n");
  });

  it("does not throw when the writer throws", () => {
    const logger = logfmtLogger({
      write() {
        throw new Error("disk full");
      },
    });
    expect(() => {
      logger.log("msg", "lost");
    }).not.toThrow();
  });

  it("does not leave a rejected promise from an async writer unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      logfmtLogger({ write: () => Promise.reject(new Error("closed")) }).log("msg", "lost");
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
