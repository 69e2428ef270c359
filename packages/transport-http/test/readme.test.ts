// The README's example, listening on an ephemeral port instead of 8080.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, KitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { client } from "../src/client.ts";
import { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest } from "../src/codec.ts";
import { server } from "../src/server.ts";
import { runReadmeExampleAsync } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README example", () => {
  it("works as written", async () => {
    const printed: unknown[] = [];
    const console = { log: (value: unknown) => printed.push(value) };

    const SumRequest = z.object({ a: z.number(), b: z.number() });
    // eslint-disable-next-line @typescript-eslint/require-await -- the README's code, verbatim
    const sum: Endpoint<z.infer<typeof SumRequest>, { v: number }> = async (_ctx, { a, b }) => {
      if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
      return { v: a + b };
    };
    const srv = http.createServer(server(sum, decodeJSON(SumRequest), encodeJSON)).listen(0, "127.0.0.1");
    await once(srv, "listening");
    const port = (srv.address() as AddressInfo).port;

    const remoteSum = client("POST", `http://127.0.0.1:${port}/sum`, encodeJSONRequest, decodeJSONResponse<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 1_000); // the server gets kit-timeout: 1000
    try { console.log(await remoteSum(ctx, { a: 1, b: 2 })); } finally { cancel(); } // { v: 3 }

    const zero: unknown = await remoteSum(background(), { a: 0, b: 0 }).catch((e: unknown) => e);
    srv.closeAllConnections();
    srv.close();
    expect(printed).toEqual([{ v: 3 }]);
    expect(zero).toBeInstanceOf(KitError);
    expect([(zero as KitError).code, (zero as KitError).message]).toEqual(["invalid_argument", "can't sum two zeroes"]);
  });
});

describe("README router example", () => {
  it("routes by method and path, with 404 and 405, as its comments say", async () => {
    const run = await runReadmeExampleAsync(readme, { heading: "## Several endpoints: the router" });
    // The endpoint's not_found is reported once by the server's default error handler, on stderr.
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: "kit: not_found: no item 9 (no errorHandler was given; pass one to handle errors)\n",
    });
    expect(run.expected).toHaveLength(5);
    expect(run.printed).toEqual(run.expected);
  });
});

describe("README decodeFields example", () => {
  it("reads path, query and body, and answers as its comments say", async () => {
    const run = await runReadmeExampleAsync(readme, { heading: "## Requests in the path, the query and the body" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(4);
    expect(run.printed).toEqual(run.expected);
  });
});
