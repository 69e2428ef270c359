// The request/response part of @kit/transport/testing's conformance suite over real HTTP: Kit's
// JSON-RPC server on 127.0.0.1 (a port of its own per case) serving the probe as the method
// "probe", and Kit's JSON-RPC client calling it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Subscriber } from "@kit/transport";
import { conformanceCases, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { test } from "vitest";
import { client, type JsonRpcMethod } from "../src/client.ts";
import { paramsAsRequest, resultAsIs } from "../src/method.ts";
import { server } from "../src/server.ts";

/** Each address's port, and the server listening on it until a case closes it. */
const servers = new Map<string, { port: number; server: Server | undefined }>();

async function listenOn(port: number): Promise<Server> {
  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", resolve);
  });
  return http;
}

/** A URL with a port of its own (the first server listens already, so the port is known). */
async function address(label: string): Promise<string> {
  const http = await listenOn(0);
  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${String(port)}/rpc/${label}`;
  servers.set(url, { port, server: http });
  return url;
}

/** Serves `handler` on the address's port until `close()`, which lets requests in flight finish. */
async function serveOn(url: string, handler: ReturnType<typeof server>): Promise<Subscriber> {
  const entry = servers.get(url);
  if (entry === undefined) throw new Error(`no server for ${url}`);
  const http = entry.server ?? (await listenOn(entry.port)); // a fresh server after a case closed the last one
  entry.server = undefined;
  http.on("request", handler);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      http.close(() => {
        resolve();
      });
      http.closeIdleConnections();
    }));
  return { ready: Promise.resolve(), close, [Symbol.asyncDispose]: close };
}

const probe: JsonRpcMethod<Probe, ProbeReply> = { name: "probe", encode: (_ctx, request) => request, decode: (_ctx, result) => result as ProbeReply };

const harness: ConformanceHarness = {
  name: "jsonrpc",
  address,
  serve: (url, endpoint, options) =>
    serveOn(
      url,
      server(
        { probe: { endpoint, decode: paramsAsRequest<Probe>(), encode: resultAsIs } },
        { ...(options.errorHandler === undefined ? {} : { errorHandler: options.errorHandler }), ...(options.exposeErrors === undefined ? {} : { exposeErrors: options.exposeErrors }) },
      ),
    ),
  requester: (url, options) => client(url, probe, { ...(options.timeout === undefined ? {} : { timeout: options.timeout }) }),
  lacks: {
    hooks: "JSON-RPC's hooks see the HTTP request and response, not a message (the package's own tests cover them)",
    deadline: "no queue: a request is served at once or refused",
    "consumer-killed": "no broker redelivers what a dead server held; the caller sees the connection close",
    poison: "no dead letter: a malformed body is answered -32700 or -32600",
    "dead-letter-unwritable": "no dead letter",
    "broker-restart": "no broker",
    "startup-failure": "the server is a request handler: listening is the application's",
  },
};

// eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
