// A real TCP listener on 127.0.0.1 standing in for Carbon: it collects the plaintext lines it receives.
import { createServer, type Server, type Socket } from "node:net";

export interface Line {
  readonly path: string;
  readonly value: number;
  readonly timestamp: number;
}

export interface Carbon {
  readonly port: number;
  /** Every complete line received so far, parsed, across connections. */
  readonly lines: Line[];
  /** How many connections were accepted. */
  connections(): number;
  /** Waits (at most `timeoutMs`) until `count` lines have arrived in all; returns them all. */
  waitFor(count: number, timeoutMs?: number): Promise<Line[]>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Parses one plaintext line, throwing on anything that is not `path value timestamp`. */
export function parse(line: string): Line {
  const parts = line.split(" ");
  const [path, value, timestamp] = parts;
  if (parts.length !== 3 || path === undefined || path === "" || !/^\d+$/.test(timestamp ?? "")) {
    throw new Error(`not a Graphite plaintext line: ${JSON.stringify(line)}`);
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a finite value: ${JSON.stringify(line)}`);
  return { path, value: n, timestamp: Number(timestamp) };
}

export async function carbon(port = 0): Promise<Carbon> {
  const lines: Line[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let wake: (() => void) | undefined;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    let partial = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const text = partial + chunk;
      const complete = text.split("\n");
      partial = complete.pop() ?? "";
      for (const line of complete) lines.push(parse(line));
      wake?.();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    port: address.port,
    lines,
    connections: () => accepted,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${String(count)} lines, got ${String(lines.length)}: ${JSON.stringify(lines)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return lines;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Resolves after `ms`: only for checking that nothing more arrives. */
export const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
