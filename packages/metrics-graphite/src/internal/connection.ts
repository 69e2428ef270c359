import { connect, type Socket } from "node:net";

/**
 * One TCP connection to Carbon, opened on the first write and again after it is lost. A
 * write either reaches the kernel (true) or fails (false, the error reported); a lost
 * connection is noticed when the server closes it or a write fails, and the next write
 * reconnects. The socket is ref'd only while a connect or a write is in progress, so an idle
 * connection never keeps the process alive, and a final flush on `stop()` still completes.
 */
export class Connection {
  private readonly host: string;
  private readonly port: number;
  private readonly timeout: number;
  private readonly onError: (err: Error) => void;
  private socket: Socket | undefined;

  constructor(host: string, port: number, timeout: number, onError: (err: Error) => void) {
    this.host = host;
    this.port = port;
    this.timeout = timeout;
    this.onError = onError;
  }

  /** Writes `text`; resolves true once the kernel has it, false (after reporting) if it failed. */
  async write(text: string): Promise<boolean> {
    let socket: Socket;
    try {
      socket = await this.open();
    } catch (err) {
      this.onError(toError(err));
      return false;
    }
    socket.ref();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy(new Error(`graphite: write to ${this.host}:${String(this.port)} timed out after ${String(this.timeout)} ms`));
      }, this.timeout);
      socket.write(text, (err) => {
        clearTimeout(timer);
        if (err != null) {
          this.onError(err);
          this.drop(socket);
          resolve(false);
          return;
        }
        socket.unref();
        resolve(true);
      });
    });
  }

  /** Ends the connection gracefully (what was written is delivered first). */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), this.timeout);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private open(): Promise<Socket> {
    const current = this.socket;
    if (current !== undefined && !current.destroyed && current.writable) return Promise.resolve(current);
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        socket.destroy(new Error(`graphite: connecting to ${this.host}:${String(this.port)} timed out after ${String(this.timeout)} ms`));
      }, this.timeout);
      const failed = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once("error", failed);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", failed);
        // Later errors (a reset while idle) end up here; the failed write reports them.
        socket.on("error", () => undefined);
        socket.on("close", () => {
          this.drop(socket);
        });
        socket.on("data", () => undefined); // Carbon sends nothing; never let a buffer fill
        socket.unref();
        this.socket = socket;
        resolve(socket);
      });
    });
  }

  private drop(socket: Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = undefined;
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
