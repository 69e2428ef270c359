import { headers, type Msg } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import { connectNats, unique } from "../../test/support.ts";
import { readHeaders } from "./headers.ts";
import { rawHeaderBlock } from "./raw-header-block.ts";
import { readReceivedHeaders } from "./received-headers.ts";

/** Publishes one message with `hdrs` (none: a plain message) through the real server and returns it as delivered. */
async function deliver(hdrs: ReturnType<typeof headers> | undefined): Promise<Msg> {
  const nc = await connectNats();
  try {
    const subject = unique("kit.headers");
    const sub = nc.subscribe(subject, { max: 1 });
    nc.publish(subject, "body", hdrs === undefined ? undefined : { headers: hdrs });
    for await (const msg of sub) return msg;
    throw new Error("no message");
  } finally {
    await nc.close();
  }
}

describe("a received message's headers, read from the wire", () => {
  it("reads every name as nats.js's own headers read it: exact first, then ignoring case, a missing one as empty", async () => {
    const hdrs = headers();
    hdrs.append("content-type", "application/json");
    hdrs.append("Kit-Timeout", "1500");
    hdrs.append("x-id", "");
    hdrs.append("X-ID", "b");
    hdrs.append("x-dup", "first");
    hdrs.append("x-dup", "second");
    hdrs.append("x-spaced", "  v  ");
    const msg = await deliver(hdrs);
    expect(rawHeaderBlock(msg)).toBeInstanceOf(Uint8Array);
    const fromWire = readReceivedHeaders(msg);
    const fromNats = readHeaders(msg.headers);
    for (const name of ["content-type", "kit-timeout", "Kit-Timeout", "x-id", "X-ID", "x-dup", "x-spaced", "kit-error-code"]) {
      expect([name, fromWire.get(name)]).toEqual([name, fromNats.get(name)]);
    }
    expect(fromWire.get("kit-timeout")).toBe("1500");
    expect(fromWire.get("x-dup")).toBe("first");
    expect(fromWire.get("kit-error-code")).toBe("");
  });

  it("reads each message's own values when blocks of the same length follow one another", async () => {
    const values = ["1000", "2000", "1000", "3000", "4000", "5000", "6000", "1000"];
    for (const value of values) {
      const hdrs = headers();
      hdrs.append("kit-timeout", value);
      expect(readReceivedHeaders(await deliver(hdrs)).get("kit-timeout")).toBe(value);
    }
  });

  it("reads a message without headers as having none but the default content-type, JSON", async () => {
    const msg = await deliver(undefined);
    expect(rawHeaderBlock(msg)).toBe("none");
    expect(readReceivedHeaders(msg).get("kit-timeout")).toBeUndefined();
    expect(readReceivedHeaders(msg).get("content-type")).toBe("application/json");
  });

  it("reads a block without a content-type as JSON, and another content-type as it came", async () => {
    const timed = headers();
    timed.append("kit-timeout", "20");
    expect(readReceivedHeaders(await deliver(timed)).get("content-type")).toBe("application/json");
    const plain = headers();
    plain.append("Content-Type", "text/plain");
    expect(readReceivedHeaders(await deliver(plain)).get("content-type")).toBe("text/plain");
  });

  it("writes a header set on it to the message's own headers, and reads it back", async () => {
    const hdrs = headers();
    hdrs.append("content-type", "application/json");
    const msg = await deliver(hdrs);
    const carrier = readReceivedHeaders(msg);
    carrier.set("x-trace", "abc");
    expect(carrier.get("x-trace")).toBe("abc");
    expect(carrier.get("content-type")).toBe("application/json");
    expect(msg.headers?.get("x-trace")).toBe("abc");
  });

  it("reads the headers of a message of another shape through its public headers", () => {
    const hdrs = headers();
    hdrs.append("kit-timeout", "20");
    const other = { subject: "s", data: new Uint8Array(0), headers: hdrs, respond: () => false };
    expect(rawHeaderBlock(other)).toBe("unknown");
    expect(readReceivedHeaders(other).get("Kit-Timeout")).toBe("20");
  });
});
