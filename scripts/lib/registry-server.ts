// A local npm registry (verdaccio) for the release test: `node registry-server.ts <config.yaml>`
// listens on a free port of 127.0.0.1 and prints `{"port":N}` once it accepts requests.
import type { Server } from "node:http";
import { runServer } from "verdaccio";

const [configPath] = process.argv.slice(2);
if (configPath === undefined) throw new Error("usage: node registry-server.ts <config.yaml>");
const server = (await runServer(configPath)) as Server;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
