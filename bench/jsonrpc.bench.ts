// Kit's JSON-RPC server against Kit's own plain HTTP transport, serving the same endpoint
// (addsvc's Sum) in the same process, driven by the same keep-alive node:http client with 32
// calls outstanding:
//
// http:    POST /sum  {"a":1,"b":2}                                             → {"v":3}
// jsonrpc: POST /rpc  {"jsonrpc":"2.0","method":"add.sum","params":{"a":1,"b":2},"id":1}
//                                                          → {"jsonrpc":"2.0","result":{"v":3},"id":1}
//
// Both decode JSON with a hand-written check and encode with JSON.stringify. The target: the
// JSON-RPC server reaches at least 0.9 of the plain HTTP server's calls per second.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Endpoint } from "@kit/endpoint";
import { decodeJSON, encodeJSON, server as httpServer } from "@kit/transport-http";
import { resultAsIs, server as jsonRpcServer } from "@kit/transport-jsonrpc";
import { compareAsync } from "./async-harness.ts";
import { printTable, ratio } from "./harness.ts";

const TARGET = 0.9;
const IN_FLIGHT = 32;

interface SumRequest {
  readonly a: number;
  readonly b: number;
}
const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
const check = (value: unknown): SumRequest => {
  const v = value as Partial<SumRequest> | null;
  if (typeof v?.a !== "number" || typeof v.b !== "number") throw new Error("want {a, b}");
  return { a: v.a, b: v.b };
};

const plain = http.createServer(httpServer(sum, decodeJSON({ "~standard": { version: 1, vendor: "bench", validate: (value) => ({ value: check(value) }) } }), encodeJSON));
const rpc = http.createServer(jsonRpcServer({ "add.sum": { endpoint: sum, decode: (_ctx, params) => check(params), encode: resultAsIs } }));
const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};
const [plainPort, rpcPort] = [await listen(plain), await listen(rpc)];
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** One POST on the keep-alive agent; resolves with the body, checked to contain `expect`. */
function post(port: number, path: string, body: string, expect: string): () => Promise<void> {
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", path, method: "POST", headers, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          if (text.includes(expect)) resolve();
          else reject(new Error(`unexpected answer ${text}`));
        });
      });
      req.on("error", reject);
      req.end(body);
    });
}

const results = await compareAsync(
  [
    { name: "kit http", run: post(plainPort, "/sum", '{"a":1,"b":2}', '{"v":3}') },
    { name: "kit jsonrpc", run: post(rpcPort, "/rpc", '{"jsonrpc":"2.0","method":"add.sum","params":{"a":1,"b":2},"id":1}', '"result":{"v":3}') },
  ],
  { rounds: 7, roundMs: 1_000, warmupMs: 1_000, inFlight: IN_FLIGHT },
);
printTable(`Sum over HTTP, ${String(IN_FLIGHT)} in flight, one keep-alive client in the same process (calls/s)`, results, "kit http");
const share = ratio(results, "kit jsonrpc", "kit http");
console.log(`\ntarget: the JSON-RPC server reaches at least ${String(TARGET)} of Kit's plain HTTP server: ${share >= TARGET ? "MET" : "NOT MET"} (${share.toFixed(2)})`);
if (share < TARGET) process.exitCode = 1;
agent.destroy();
plain.close();
rpc.close();
