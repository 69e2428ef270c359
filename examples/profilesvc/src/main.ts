// profilesvc's entry point, Go kit's cmd/profilesvc.
//
//   node src/main.ts [--http.addr 127.0.0.1:8080] [--postgres-url postgres://…] [--postgres-schema profilesvc]
//
// Keeps the profiles in memory, or in PostgreSQL with --postgres-url (the schema and its
// tables are created if missing). Logs logfmt to stderr; on SIGINT or SIGTERM stops taking
// requests, finishes those in flight and exits 0.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import * as log from "@kit/log";
import pg from "pg";
import { makeEndpoints } from "./endpoints.ts";
import { makeHTTPHandler } from "./http.ts";
import { loggingMiddleware } from "./logging.ts";
import { memoryRepository } from "./memory-repository.ts";
import { postgresRepository } from "./postgres-repository.ts";
import type { ProfileRepository } from "./repository.ts";
import { profileService } from "./service.ts";

const usage = "usage: node src/main.ts [--http.addr host:port] [--postgres-url url] [--postgres-schema name]";
let flags: { "http.addr": string; "postgres-url"?: string; "postgres-schema": string };
try {
  const { values } = parseArgs({ options: { "http.addr": { type: "string" }, "postgres-url": { type: "string" }, "postgres-schema": { type: "string" } } });
  flags = { "http.addr": "127.0.0.1:8080", "postgres-schema": "profilesvc", ...values };
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${usage}\n`);
  process.exit(2);
}

let logger = log.logfmtLogger(process.stderr);
logger = log.with(logger, "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);

let repo: ProfileRepository = memoryRepository();
let pool: pg.Pool | undefined;
if (flags["postgres-url"] !== undefined) {
  pool = new pg.Pool({ connectionString: flags["postgres-url"], max: 10 });
  const pgRepo = postgresRepository(pool, flags["postgres-schema"]);
  await pgRepo.migrate();
  repo = pgRepo;
  logger.log("repository", "postgres", "schema", flags["postgres-schema"]);
} else logger.log("repository", "memory");

const svc = loggingMiddleware(logger)(profileService(repo));
const handler = makeHTTPHandler(makeEndpoints(svc), log.with(logger, "component", "HTTP"));

const addr = flags["http.addr"];
const colon = addr.lastIndexOf(":");
const server = http.createServer(handler);
server.listen(Number(addr.slice(colon + 1)), addr.slice(0, colon) || undefined, () => {
  const { port } = server.address() as AddressInfo;
  logger.log("transport", "HTTP", "addr", `${addr.slice(0, colon)}:${String(port)}`);
});

const stop = (signal: string): void => {
  logger.log("exit", signal);
  server.close(() => {
    void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0));
  });
  server.closeIdleConnections();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
