import { once } from "node:events";
import http, { type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A node:http server listening on 127.0.0.1 on an ephemeral port. */
export interface Listening {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

const open = new Set<Listening>();

/** Starts `handler` on 127.0.0.1:0. Call `closeAll()` in `afterEach`. */
export async function listen(handler: RequestListener): Promise<Listening> {
  const server = http.createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const listening: Listening = {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        open.delete(listening);
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  open.add(listening);
  return listening;
}

export async function closeAll(): Promise<void> {
  await Promise.all([...open].map((l) => l.close()));
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const l = await listen(() => undefined);
  const port = Number(new URL(l.url).port);
  await l.close();
  return port;
}

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else
      signal.addEventListener(
        "abort",
        () => {
          resolve(signal.reason);
        },
        { once: true },
      );
  });
}

/** Posts JSON with fetch and returns the status, content-type and parsed body. */
export async function postJSON(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; body: unknown; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: text === "" ? undefined : JSON.parse(text), headers: res.headers };
}

/** A promise with its resolve function (Promise.withResolvers is newer than the es2023 lib). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
