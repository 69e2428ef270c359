// The request/response part of @kit/transport/testing's conformance suite through the reverse
// proxy: on each case's address (127.0.0.1, a port of its own) the proxy, in front of a server
// on another port serving the case's endpoint the way Kit's HTTP server does; a client of Kit's
// HTTP conventions calls the proxy (test/support/probe-http.ts). What the suite checks of codes,
// disclosure, wait bounds, close and growth must hold across the hop.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Subscriber } from "@kit/transport";
import { conformanceCases, type ConformanceHarness } from "@kit/transport/testing";
import { test } from "vitest";
import { proxy } from "../src/proxy.ts";
import { probeClient, probeServer } from "./support/probe-http.ts";

/** Each address's port, and the proxy's server listening on it until a case closes it. */
const servers = new Map<string, { port: number; server: Server | undefined }>();

async function listenOn(port: number): Promise<Server> {
  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", resolve);
  });
  return http;
}

/** Closes `http` once the requests in flight are over. */
function closeServer(http: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    http.close(() => {
      resolve();
    });
    http.closeIdleConnections();
  });
}

/** A URL with a port of its own (the proxy's first server listens already, so the port is known). */
async function address(label: string): Promise<string> {
  const http = await listenOn(0);
  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${String(port)}/${label}`;
  servers.set(url, { port, server: http });
  return url;
}

/**
 * Serves `endpoint` on a port of its own and the proxy to it on the
 * address's port; `close()` closes the proxy (letting requests in flight finish), then the server.
 */
async function serve(url: string, endpoint: Parameters<ConformanceHarness["serve"]>[1], options: Parameters<ConformanceHarness["serve"]>[2]): Promise<Subscriber> {
  const entry = servers.get(url);
  if (entry === undefined) throw new Error(`no server for ${url}`);
  const upstream = await listenOn(0);
  upstream.on("request", probeServer(endpoint, options.errorHandler));
  const front = entry.server ?? (await listenOn(entry.port)); // a fresh server after a case closed the last one
  entry.server = undefined;
  front.on("request", proxy(`http://127.0.0.1:${String((upstream.address() as AddressInfo).port)}`, { errorHandler: { handle: () => undefined } }));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= closeServer(front).then(() => closeServer(upstream)));
  return { ready: Promise.resolve(), close, [Symbol.asyncDispose]: close };
}

const harness: ConformanceHarness = {
  name: "httprp",
  address,
  serve,
  requester: (url, options) => probeClient(url, options.timeout),
  lacks: {
    hooks: "the proxy's hooks see the HTTP request and response, not a message (the package's own tests cover them)",
    deadline: "no queue: a request is forwarded at once or refused",
    "consumer-killed": "no broker redelivers what a dead upstream held; the caller gets 502",
    poison: "no dead letter: a malformed request is answered 400 by the upstream",
    "dead-letter-unwritable": "no dead letter",
    "broker-restart": "no broker",
    "startup-failure": "the proxy is a request handler: listening is the application's",
  },
};

// eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
