// The stand-in pathfinder as a program: node src/pathfinder-main.ts [--http.addr 127.0.0.1:7878]
import http from "node:http";
import { parseArgs } from "node:util";
import { pathfinderHandler } from "./pathfinder.ts";

const { values } = parseArgs({ options: { "http.addr": { type: "string", default: "127.0.0.1:7878" } } });
const addr = values["http.addr"];
const colon = addr.lastIndexOf(":");
const server = http.createServer(pathfinderHandler()).listen(Number(addr.slice(colon + 1)), addr.slice(0, colon), () => {
  process.stderr.write(`pathfinder listening on ${addr}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
process.once("SIGINT", () => server.close(() => process.exit(0)));
