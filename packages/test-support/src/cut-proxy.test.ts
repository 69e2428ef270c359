import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accepts } from "./accepts.ts";
import { startCutProxy } from "./cut-proxy.ts";

// A stand-in broker: echoes what a client sends.
let broker: Server;
let brokerPort = 0;
const brokerSockets = new Set<Socket>();
beforeAll(async () => {
  broker = createServer((socket) => {
    brokerSockets.add(socket);
    socket.on("data", (data) => socket.write(data)).on("close", () => brokerSockets.delete(socket));
  }).listen(0, "127.0.0.1");
  await once(broker, "listening");
  const address = broker.address();
  brokerPort = typeof address === "object" && address !== null ? address.port : 0;
});
afterAll(async () => {
  for (const socket of brokerSockets) socket.destroy();
  await new Promise((resolve) => broker.close(resolve));
});

/** Connects to `address` (`host:port`) and says what comes back for `text` within `ms`: the echo, "closed", or "nothing". */
async function exchange(address: string, text: string, ms = 1_000): Promise<string> {
  const [host, port] = address.split(":");
  const socket = connect(Number(port), host);
  try {
    return await answer(socket, text, ms);
  } finally {
    socket.destroy();
  }
}

function answer(socket: Socket, text: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms, "nothing");
    const settle = (what: string): void => {
      clearTimeout(timer);
      resolve(what);
    };
    socket.once("data", (data) => {
      settle(data.toString());
    });
    socket.once("close", () => {
      settle("closed");
    });
    socket.on("error", () => undefined);
    socket.write(text);
  });
}

describe("startCutProxy", () => {
  it("passes connections through to the target until cut, closes them while cut, and again after restore", async () => {
    const proxy = await startCutProxy(`http://127.0.0.1:${String(brokerPort)}`);
    try {
      expect(proxy.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const [host, port] = proxy.address.split(":");
      const held = connect(Number(port), host);
      expect(await answer(held, "before", 1_000)).toBe("before");
      const dropped = once(held, "close");
      proxy.cut();
      await dropped;
      expect(await exchange(proxy.address, "while cut")).toBe("closed");
      proxy.restore();
      expect(await exchange(proxy.address, "after")).toBe("after");
    } finally {
      await proxy.close();
    }
    expect(await accepts(Number(proxy.address.split(":")[1]))).toBe(false);
  });

  it("refuses a target without a port", async () => {
    await expect(startCutProxy("127.0.0.1")).rejects.toThrow('invalid_argument: startCutProxy\'s target must be host:port, not "127.0.0.1"');
  });
});
