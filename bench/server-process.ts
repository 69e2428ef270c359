// A server under test in a child process of its own: forked with an IPC channel, listening on a
// free port of 127.0.0.1 (on CPU 1 when pinned, see cpu-pinning.ts). The child says it is ready
// with its first message, then answers the benchmark's messages (such as `mark` and `report`,
// its CPU since the mark) and exits on `stop`.
import { fork } from "node:child_process";
import { once } from "node:events";
import { freePort } from "@kit/test-support";
import { pinServer } from "./cpu-pinning.ts";

/** A running server process. */
export interface ServerProcess {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Sends the child `message` and resolves with its answer (its next message). */
  readonly ask: (message: string) => Promise<unknown>;
  /** Asks the child to exit, and kills it if it has not within 5 s. */
  readonly stop: () => Promise<void>;
}


/**
 * Forks `file` with the arguments `args(port)` for a free port, pins it to the server's CPU, and
 * resolves once it says it is ready; rejects (and stops the child) if it exits first or is not
 * ready within 30 s. `name` is what the errors call it.
 */
export async function forkServer(file: URL, args: (port: number) => readonly string[], name: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = fork(file, args(port), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  pinServer(child.pid);
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!running()) return;
    const exited = once(child, "exit");
    child.send("stop");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (running()) child.kill("SIGKILL");
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => {
      resolve();
    });
    child.once("exit", (code) => {
      reject(new Error(`${name} exited with ${String(code)} before it was ready`));
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(reject, 30_000, new Error(`${name} was not ready within 30 s`));
  });
  try {
    await Promise.race([ready, late]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const ask = (message: string): Promise<unknown> => {
    const answer = once(child, "message").then(([value]) => value as unknown);
    child.send(message);
    return answer;
  };
  return { port, ask, stop };
}
