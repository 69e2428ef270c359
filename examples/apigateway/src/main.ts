// The gateway's entry point: `pnpm --filter apigateway start` (`node src/main.ts`).
//
//   JWT_SECRET=… node src/main.ts [--etcd 127.0.0.1:2379] [--prefix /services/addsvc/] [--http-addr 127.0.0.1:8000]
//
// Flags also read ETCD_ENDPOINT, PREFIX, HTTP_ADDR; JWT_SECRET (at least 32 bytes) is the
// HS256 key tokens are checked with, JWT_ISSUER and JWT_AUDIENCE (default `apigateway` and
// `addsvc`) the claims they must carry; RATE and BURST the per-caller limit (default 100, 200).
// Logs logfmt to stdout; on SIGINT or SIGTERM stops accepting, finishes what is in flight and
// exits 0.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import * as log from "@kit/log";
import { parseAddr } from "@kit/transport";
import { Etcd3 } from "etcd3";
import { gateway } from "./gateway.ts";

const usage = "usage: JWT_SECRET=… node src/main.ts [--etcd host:port] [--prefix /services/addsvc/] [--http-addr host:port]";

let logger = log.logfmtLogger(process.stdout);
logger = log.with(logger, "ts", log.defaultTimestampUTC);

let flags: { etcd: string; prefix: string; httpAddr: string; secret: string };
try {
  const { values } = parseArgs({
    options: { etcd: { type: "string" }, prefix: { type: "string" }, "http-addr": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  const secret = process.env.JWT_SECRET ?? "";
  if (Buffer.byteLength(secret) < 32) throw new RangeError("JWT_SECRET must be set, at least 32 bytes (HS256)");
  flags = {
    etcd: values.etcd ?? process.env.ETCD_ENDPOINT ?? "127.0.0.1:2379",
    prefix: values.prefix ?? process.env.PREFIX ?? "/services/addsvc/",
    httpAddr: values["http-addr"] ?? process.env.HTTP_ADDR ?? "127.0.0.1:8000",
    secret,
  };
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}

const signalled = new Promise<NodeJS.Signals>((resolve) => {
  process.on("SIGINT", resolve);
  process.on("SIGTERM", resolve);
});

const etcd = new Etcd3({ hosts: flags.etcd });
const gw = gateway({
  etcd,
  prefix: flags.prefix,
  jwt: {
    key: new TextEncoder().encode(flags.secret),
    algorithms: ["HS256"],
    issuer: process.env.JWT_ISSUER ?? "apigateway",
    audience: process.env.JWT_AUDIENCE ?? "addsvc",
  },
  rateLimit: { rate: Number(process.env.RATE ?? "100"), burst: Number(process.env.BURST ?? "200") },
  logger,
});

const { host, port } = parseAddr(flags.httpAddr);
const httpServer = http.createServer(gw.handler);
try {
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, resolve);
  });
} catch (err) {
  logger.log("exit", err);
  await gw.close();
  etcd.close();
  process.exit(1);
}
const address = httpServer.address() as AddressInfo;
logger.log("transport", "HTTP", "addr", `${address.address}:${String(address.port)}`, "prefix", flags.prefix, "etcd", flags.etcd);

const signal = await signalled;
logger.log("msg", "shutting down", "signal", signal);
await new Promise<void>((resolve) => {
  httpServer.close(() => { resolve(); });
  httpServer.closeIdleConnections();
});
await gw.close();
etcd.close();
logger.log("exit", signal);
