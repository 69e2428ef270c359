// A real UDP socket on 127.0.0.1 that collects the datagrams a statsd provider sends.
import { createSocket, type Socket } from "node:dgram";

export interface Receiver {
  readonly port: number;
  /** Every datagram received so far, as text. */
  readonly datagrams: string[];
  /** Waits (at most `timeoutMs`) until `count` datagrams have arrived in all; returns them all. */
  waitFor(count: number, timeoutMs?: number): Promise<string[]>;
  /** Every line received so far, across datagrams. */
  lines(): string[];
  close(): Promise<void>;
}

export async function receiver(): Promise<Receiver> {
  const socket: Socket = createSocket("udp4");
  const datagrams: string[] = [];
  let wake: (() => void) | undefined;
  socket.on("message", (msg) => {
    datagrams.push(msg.toString("utf8"));
    wake?.();
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  return {
    port,
    datagrams,
    async waitFor(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (datagrams.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${String(count)} datagrams, got ${String(datagrams.length)}: ${JSON.stringify(datagrams)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return datagrams;
    },
    lines: () => datagrams.flatMap((d) => d.split("\n")),
    close: () => new Promise<void>((resolve) => socket.close(() => { resolve(); })),
  };
}

/** Resolves after `ms`: only for checking that nothing more arrives. */
export const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
