// stringsvc instances on real sockets on 127.0.0.1, for the proxy and wire tests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { nop } from "@kit/log";
import { makeCountEndpoint, makeUppercaseEndpoint } from "../../src/endpoints.ts";
import { httpHandler } from "../../src/http.ts";
import { type StringService, stringService } from "../../src/service.ts";

/** A running instance: its `host:port`, how many uppercase calls it got, and how to stop it. */
export interface Instance {
  readonly addr: string;
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Serves `svc` (stringsvc1's wiring) on a free port; every uppercase call is counted. */
export async function instance(svc: StringService = stringService()): Promise<Instance> {
  let hits = 0;
  const counted: StringService = { ...svc, uppercase: (ctx, s) => (hits++, svc.uppercase(ctx, s)) };
  const handler = httpHandler({ uppercase: makeUppercaseEndpoint(counted), count: makeCountEndpoint(counted) }, nop());
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    addr: `127.0.0.1:${String(port)}`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}
