// The addsvc demo over JSON-RPC: serves the app's endpoints with the JSON-RPC transport on a free
// port of 127.0.0.1 and calls them through the Kit JSON-RPC client (a sum, a concat, a business
// error), printing each result. demo.ts runs it after the gRPC part.
import { background, withTimeout } from "@kit/endpoint";
import { checkCalls } from "./demo-calls.ts";
import type { Logger } from "@kit/log";
import { logErrorHandler } from "@kit/transport";
import { listen } from "@kit/transport-http";
import { jsonRpcClient, jsonRpcNames } from "./demo-clients.ts";
import type { AddEndpoints } from "./generated/add.endpoints.ts";
import { jsonRpcHandler } from "./generated/add.jsonrpc.ts";

/**
 * Serves `endpoints` over JSON-RPC on 127.0.0.1 (a free port), calls the methods `sum` and
 * `concat` through {@link jsonRpcClient} (`sum(2, 3)`, `concat("kit", "go")`, `sum(0, 0)`),
 * prints each call and its result, then closes the server. Throws if a result is wrong (after
 * closing), so a caller can exit non-zero.
 *
 * @param endpoints - the endpoints to serve, such as the app's
 * @param print - where each line goes, such as `console.log`
 * @param logger - where the server's log lines go; default nowhere
 */
export async function demoJsonRpc(endpoints: AddEndpoints, print: (line: string) => void, logger: Logger = { log: () => undefined }): Promise<void> {
  const server = await listen(jsonRpcHandler(endpoints, { names: jsonRpcNames, errorHandler: logErrorHandler(logger) }), { host: "127.0.0.1", port: 0 });
  const problems: string[] = [];
  const [ctx, cancel] = withTimeout(background(), 5_000);
  try {
    print(`Calling addsvc over JSON-RPC at ${server.url}/ (methods sum, concat) through the Kit JSON-RPC client:`);
    problems.push(...(await checkCalls(jsonRpcClient(`${server.url}/`), ctx, print)));
  } finally {
    cancel();
    await server.close();
  }
  if (problems.length > 0) throw new Error(`the JSON-RPC demo went wrong: ${problems.join("; ")}`);
  print("All 3 calls over JSON-RPC answered as expected; server closed.");
}
