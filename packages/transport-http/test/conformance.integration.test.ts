// The request/response part of @kit/transport/testing's conformance suite over real HTTP: a Node
// server on 127.0.0.1 (a port of its own per case) and Kit's fetch client.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Subscriber } from "@kit/transport";
import { conformanceCases, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { test } from "vitest";
import { client } from "../src/client.ts";
import { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest } from "../src/codec.ts";
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
  const url = `http://127.0.0.1:${String(port)}/${label}`;
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

const harness: ConformanceHarness = {
  name: "http",
  address,
  serve: (url, endpoint, options) =>
    serveOn(url, server(endpoint, decodeJSON<Probe>(), encodeJSON, { ...(options.errorHandler === undefined ? {} : { errorHandler: options.errorHandler }) })),
  requester: (url, options) =>
    client<Probe, ProbeReply>("POST", url, encodeJSONRequest, decodeJSONResponse<ProbeReply>(), { ...(options.timeout === undefined ? {} : { timeout: options.timeout }) }),
  lacks: {
    hooks: "HTTP's hooks see the request and response, not a message (the package's own tests cover them)",
    deadline: "no queue: a request is served at once or refused",
    "consumer-killed": "no broker redelivers what a dead server held; the caller sees the connection close",
    poison: "no dead letter: a malformed request is answered 400",
    "dead-letter-unwritable": "no dead letter",
    "broker-restart": "no broker",
    "startup-failure": "the server is a request handler: listening is the application's",
  },
};

// eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
