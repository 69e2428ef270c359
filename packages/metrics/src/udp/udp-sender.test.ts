// A UdpSender against real UDP sockets on the loopback: what arrives, packed how, in what order;
// errors go to onError and never reject; close() waits for the sends before it.
import { createSocket, type Socket, type SocketType } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { UdpSender, type UdpSenderOptions } from "./udp-sender.ts";

interface Receiver {
  readonly port: number;
  readonly datagrams: string[];
  waitFor(count: number): Promise<string[]>;
}

const sockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => { resolve(); }))));
});

/** A socket bound to `host` on a free port that collects what it receives, as text. */
async function receiver(type: SocketType = "udp4", host = "127.0.0.1"): Promise<Receiver> {
  const socket = createSocket(type);
  sockets.push(socket);
  const datagrams: string[] = [];
  socket.on("message", (msg) => datagrams.push(msg.toString("utf8")));
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return {
    port: socket.address().port,
    datagrams,
    async waitFor(count) {
      const deadline = Date.now() + 2_000;
      while (datagrams.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      return datagrams;
    },
  };
}

/** A sender to `port` on 127.0.0.1, collecting what it reports. */
function sender(port: number, more: Partial<UdpSenderOptions> = {}): { udp: UdpSender; errors: Error[] } {
  const errors: Error[] = [];
  const udp = new UdpSender({ host: "127.0.0.1", port, maxPacketBytes: 1432, lineEnd: "between", onError: (e) => errors.push(e), ...more });
  return { udp, errors };
}

describe("UdpSender", () => {
  it("sends lines packed into datagrams of at most maxPacketBytes, in order, newlines between them", async () => {
    const r = await receiver();
    const { udp, errors } = sender(r.port, { maxPacketBytes: 22 }); // "latency:0.25|ms\né:2|c" is 22 bytes
    await udp.send(["jobs:1|c", "up:1|g", "latency:0.25|ms", "é:2|c"]);
    await udp.send(["last:1|c"]);
    expect(await r.waitFor(3)).toEqual(["jobs:1|c\nup:1|g", "latency:0.25|ms\né:2|c", "last:1|c"]);
    expect(errors).toEqual([]);
    await udp.close();
  });

  it("ends every line with a newline for line protocol", async () => {
    const r = await receiver();
    const { udp } = sender(r.port, { maxPacketBytes: 30, lineEnd: "after" });
    await udp.send(["up value=1 1764000000000000000", "a value=1", "b value=2"]);
    expect(await r.waitFor(2)).toEqual(["up value=1 1764000000000000000\n", "a value=1\nb value=2\n"]);
    await udp.close();
  });

  it("sends to an IPv6 host over udp6", async () => {
    const r = await receiver("udp6", "::1");
    const errors: Error[] = [];
    const udp = new UdpSender({ host: "::1", port: r.port, maxPacketBytes: 1432, lineEnd: "between", onError: (e) => errors.push(e) });
    await udp.send(["v6:1|c"]);
    expect(await r.waitFor(1)).toEqual(["v6:1|c"]);
    expect(errors).toEqual([]);
    await udp.close();
  });

  it("sends nothing for no lines", async () => {
    const r = await receiver();
    const { udp } = sender(r.port);
    await udp.send([]);
    await udp.send(["after:1|c"]);
    expect(await r.waitFor(1)).toEqual(["after:1|c"]);
    await udp.close();
  });

  it("reports a host that does not resolve and a datagram too large to onError, never rejecting, and goes on sending", async () => {
    const r = await receiver();
    const lost = sender(r.port, { host: "no-such-host.invalid" });
    await expect(lost.udp.send(["a:1|c"])).resolves.toBeUndefined();
    expect(lost.errors).toHaveLength(1);
    expect(lost.errors[0]?.message).toMatch(/no-such-host\.invalid/);
    await lost.udp.close();

    const { udp, errors } = sender(r.port);
    await expect(udp.send(["x".repeat(70_000)])).resolves.toBeUndefined(); // an oversized line goes alone, and is refused
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["EMSGSIZE"]);
    await udp.send(["after:1|c"]);
    expect(await r.waitFor(1)).toEqual(["after:1|c"]);
    await udp.close();
  });

  it("close() waits for the sends given before it, and a send after it opens a new socket", async () => {
    const r = await receiver();
    const { udp } = sender(r.port, { maxPacketBytes: 10 });
    const sent = udp.send(Array.from({ length: 50 }, (_, i) => `n:${String(i)}|c`));
    await udp.close();
    await sent;
    expect(await r.waitFor(50)).toHaveLength(50);
    expect(r.datagrams[49]).toBe("n:49|c");
    await udp.send(["again:1|c"]);
    expect(await r.waitFor(51)).toHaveLength(51);
    expect(r.datagrams[50]).toBe("again:1|c");
    await udp.close();
  });

  it("refuses options it cannot work with, naming the field", () => {
    const ok: UdpSenderOptions = { host: "127.0.0.1", port: 8125, maxPacketBytes: 1432, lineEnd: "between", onError: () => undefined };
    expect(() => new UdpSender({ ...ok, port: 0 })).toThrow(new RangeError("UdpSender: port 0 must be 1-65535"));
    expect(() => new UdpSender({ ...ok, port: 70_000 })).toThrow(/port 70000 must be 1-65535/);
    expect(() => new UdpSender({ ...ok, maxPacketBytes: 0.5 })).toThrow(new RangeError("UdpSender: maxPacketBytes 0.5 must be a positive integer"));
    expect(() => new UdpSender({ ...ok, lineEnd: "crlf" as "after" })).toThrow(new TypeError('UdpSender: lineEnd "crlf" must be "between" or "after"'));
    expect(() => new UdpSender({ ...ok, onError: undefined as unknown as () => void })).toThrow(new TypeError("UdpSender: onError must be a function"));
  });
});
