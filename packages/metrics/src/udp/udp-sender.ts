import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { type LineEnd, packLines } from "./pack-lines.ts";

// Checked at run time too, for untyped callers.
const lineEnds: ReadonlySet<string> = new Set(["between", "after"]);

/** What a {@link UdpSender} sends to, and how it packs lines. */
export interface UdpSenderOptions {
  /** The receiver's host: an IPv4 or IPv6 address, or a name. */
  readonly host: string;
  /** The receiver's UDP port, 1-65535. */
  readonly port: number;
  /** The largest datagram, in bytes (a positive integer): lines are packed up to it, never split. */
  readonly maxPacketBytes: number;
  /** Where the newlines go: `between` lines (StatsD) or `after` each (InfluxDB line protocol). */
  readonly lineEnd: LineEnd;
  /** Gets every socket and send error; sending never throws or rejects. */
  readonly onError: (err: Error) => void;
}

/**
 * Sends lines of text to one UDP receiver (a StatsD server, an InfluxDB UDP listener), packed
 * into datagrams of at most `maxPacketBytes`, fire and forget: what metrics backends that speak
 * a line protocol over UDP share. The socket is opened on the first send (`udp6` for an IPv6
 * host), never keeps the process alive, and reports its errors to `onError`.
 *
 * @example
 * ```ts
 * const sender = new UdpSender({ host: "127.0.0.1", port: 8125, maxPacketBytes: 1432, lineEnd: "between", onError: console.error });
 * await sender.send(["jobs:1|c", "up:1|g"]); // one datagram: "jobs:1|c\nup:1|g"
 * await sender.close();
 * ```
 */
export class UdpSender {
  readonly #options: UdpSenderOptions;
  #socket: Socket | undefined;
  /** The sends given so far, one after another: `close()` waits for them. */
  #sending: Promise<void> = Promise.resolve();

  /**
   * @param options - the receiver, the datagram size, the line ends and the error callback
   * @throws RangeError when `port` is not 1-65535 or `maxPacketBytes` not a positive integer
   * @throws TypeError when `lineEnd` is not `between` or `after`, or `onError` not a function
   */
  constructor(options: UdpSenderOptions) {
    const { port, maxPacketBytes, lineEnd, onError } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`UdpSender: port ${String(port)} must be 1-65535`);
    if (!Number.isInteger(maxPacketBytes) || maxPacketBytes < 1) {
      throw new RangeError(`UdpSender: maxPacketBytes ${String(maxPacketBytes)} must be a positive integer`);
    }
    if (!lineEnds.has(lineEnd)) throw new TypeError(`UdpSender: lineEnd ${JSON.stringify(lineEnd)} must be "between" or "after"`);
    if (typeof onError !== "function") throw new TypeError("UdpSender: onError must be a function");
    this.#options = { ...options };
  }

  /**
   * Sends the lines, packed into datagrams, one datagram after another and after the sends
   * before it, so they leave in order; resolves once each is handed to the socket. Errors go
   * to `onError`; it never rejects.
   *
   * @param lines - the lines, without their newlines
   */
  send(lines: readonly string[]): Promise<void> {
    const datagrams = packLines(lines, this.#options.maxPacketBytes, this.#options.lineEnd);
    this.#sending = this.#sending.then(async () => {
      if (datagrams.length === 0) return;
      const socket = this.#open();
      for (const datagram of datagrams) await this.#sendOne(socket, datagram);
    });
    return this.#sending;
  }

  /** Waits for the sends given before it, then closes the socket; a later send opens a new one. */
  async close(): Promise<void> {
    await this.#sending;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => { resolve(); }));
  }

  #open(): Socket {
    if (this.#socket !== undefined) return this.#socket;
    const socket = createSocket(isIPv6(this.#options.host) ? "udp6" : "udp4");
    socket.on("error", this.#options.onError);
    socket.unref(); // metrics never keep the process alive
    this.#socket = socket;
    return socket;
  }

  #sendOne(socket: Socket, datagram: Uint8Array): Promise<void> {
    const { host, port, onError } = this.#options;
    return new Promise((resolve) => {
      try {
        socket.send(datagram, port, host, (err) => {
          if (err !== null) onError(err);
          resolve();
        });
      } catch (err) {
        onError(err instanceof Error ? err : new Error(String(err)));
        resolve();
      }
    });
  }
}
