import { fork } from "node:child_process";
import { once } from "node:events";
import type { Endpoint } from "@kit/endpoint";
import type { Subscriber, SubscriberOptions } from "../subscriber-options.ts";
import type { KillableConsumer, Probe, ProbeReply } from "./harness.ts";

/**
 * Starts `script` in a child Node process with `args`, and resolves once it reports (with
 * {@link holdMessages}) that it holds a message; `kill()` then sends it `SIGKILL` and waits for
 * it to exit. The child is killed too if it does not report within 20 s.
 *
 * @param script - the child's module: a file that calls {@link holdMessages}
 * @param args - its arguments, such as the address to consume
 *
 * @example
 * ```ts
 * killableConsumer: (address) => spawnConsumer(new URL("./conformance-child.ts", import.meta.url), [address]),
 * ```
 */
export async function spawnConsumer(script: string | URL, args: readonly string[]): Promise<KillableConsumer> {
  const child = fork(script, [...args], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = once(child, "exit");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.on("message", (message) => {
        if (message === "holding") resolve();
      });
      void exited.then(([code, signal]) => {
        reject(new Error(`the consumer process ${String(script)} exited (${String(code ?? signal)}) before it held a message`));
      });
    });
  } finally {
    clearTimeout(timer);
  }
  return {
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * The body of a child process started by {@link spawnConsumer}: serves, with `serve`, an
 * endpoint that never finishes, and tells the parent once the first message reached it. The
 * process then waits to be killed.
 *
 * @param serve - starts the transport's subscriber on the endpoint, in this process
 *
 * @example
 * ```ts
 * // test/conformance-child.ts
 * const [address = ""] = process.argv.slice(2);
 * await holdMessages((endpoint, options) => subscriber(connection, address, endpoint, decodeJSONMessage(), encodeJSONMessage, options));
 * ```
 */
export async function holdMessages(
  serve: (endpoint: Endpoint<Probe, ProbeReply>, options: SubscriberOptions) => Subscriber | Promise<Subscriber>,
): Promise<void> {
  let told = false;
  const sub = await serve(
    () => {
      if (!told) {
        told = true;
        process.send?.("holding");
      }
      return new Promise<never>(() => undefined);
    },
    { concurrency: 8, errorHandler: { handle: () => undefined } },
  );
  setInterval(() => undefined, 60_000); // an endpoint that never settles holds no I/O: stay alive until killed
  await sub.ready;
}
