import { once } from "node:events";
import http, { type IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { readBody } from "./body.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import type { ErrorEncoder } from "./error-encoder.ts";
import { errorStatus, withStatus } from "./error-status.ts";
import { server } from "./server.ts";

afterEach(closeAll);

describe("errorStatus", () => {
  it("gives the status of the error's code", () => {
    expect(errorStatus(new KitError(Code.NotFound, "no"))).toBe(404);
    expect(errorStatus(new KitError(Code.ResourceExhausted, "slow down"))).toBe(429);
    expect(errorStatus(new KitError(Code.Internal, "bug"))).toBe(500);
  });

  it("gives the status the transport set on its own error instead", () => {
    expect(errorStatus(withStatus(new KitError(Code.ResourceExhausted, "too big"), 413))).toBe(413);
  });

  it("gives a custom error encoder the server's 413 and 415, and the code's status otherwise", async () => {
    const plainText: ErrorEncoder = (_ctx, err, res) => {
      res.writeHead(errorStatus(err), { "content-type": "text/plain; charset=utf-8" }).end(err.message);
    };
    const endpoint = (_ctx: unknown, req: unknown): Promise<unknown> =>
      req === 0 ? Promise.reject(new KitError(Code.ResourceExhausted, "quota")) : Promise.resolve(req);
    const { url } = await listen(server(endpoint, decodeJSON(), encodeJSON, { errorEncoder: plainText, maxBodyBytes: 16 }));
    const post = async (body: string, type = "application/json"): Promise<[number, string]> => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": type }, body });
      return [res.status, await res.text()];
    };

    expect(await post("0")).toEqual([429, "quota"]);
    expect(await post("a=1", "application/x-www-form-urlencoded")).toEqual([
      415,
      'unsupported content-type "application/x-www-form-urlencoded": want application/json',
    ]);
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" } }); // chunked, read up to the limit
    req.end(JSON.stringify({ pad: "x".repeat(64) }));
    const [res] = (await once(req, "response")) as [IncomingMessage];
    expect([res.statusCode, (await readBody(res)).toString()]).toEqual([413, "request body is larger than 16 bytes"]);
  });
});
