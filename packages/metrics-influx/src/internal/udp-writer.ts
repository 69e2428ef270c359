import { Buffer } from "node:buffer";
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";

/** Sends line protocol to an InfluxDB UDP listener, packed into datagrams; fire and forget. */
export class UdpWriter {
  private readonly host: string;
  private readonly port: number;
  private readonly maxPacketBytes: number;
  private readonly onError: (err: Error) => void;
  private socket: Socket | undefined;

  constructor(host: string, port: number, maxPacketBytes: number, onError: (err: Error) => void) {
    this.host = host;
    this.port = port;
    this.maxPacketBytes = maxPacketBytes;
    this.onError = onError;
  }

  /** Sends every line, one datagram after another; errors are reported, never retried. */
  async write(lines: readonly string[]): Promise<void> {
    const socket = this.open();
    for (const datagram of pack(lines, this.maxPacketBytes)) {
      await new Promise<void>((resolve) => {
        try {
          socket.send(datagram, this.port, this.host, (err) => {
            if (err !== null) this.onError(err);
            resolve();
          });
        } catch (err) {
          this.onError(err instanceof Error ? err : new Error(String(err)));
          resolve();
        }
      });
    }
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      socket.close(() => {
        resolve();
      });
    });
  }

  private open(): Socket {
    if (this.socket !== undefined) return this.socket;
    const socket = createSocket(isIPv6(this.host) ? "udp6" : "udp4");
    socket.on("error", this.onError);
    socket.unref();
    this.socket = socket;
    return socket;
  }
}

/** Lines joined with `\n` (each one ended by it) into datagrams of at most `max` bytes; a longer line goes alone. */
export function pack(lines: readonly string[], max: number): Buffer[] {
  const datagrams: Buffer[] = [];
  let current = "";
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (size > 0 && size + bytes > max) {
      datagrams.push(Buffer.from(current));
      current = "";
      size = 0;
    }
    current += line + "\n";
    size += bytes;
  }
  if (size > 0) datagrams.push(Buffer.from(current));
  return datagrams;
}
