// One addsvc instance that registers itself in etcd for the gateway to find: addsvc's own
// start(), then @kit/sd-etcd's etcdRegistrar puts `<prefix><host:port> = http://<host:port>`
// under a lease it keeps alive. If the process dies the lease runs out and the key goes.
//
//   node src/instance.ts [--etcd 127.0.0.1:2379] [--prefix /services/addsvc/] [--http-addr 127.0.0.1:0] [--ttl 10]
//
// Each flag also reads an environment variable: ETCD_ENDPOINT, PREFIX, HTTP_ADDR, TTL. Prints
// `msg=registered key=… url=…` once registered; on SIGINT or SIGTERM deregisters first, then
// finishes the requests in flight and exits 0.
import { parseArgs } from "node:util";
import * as log from "@kit/log";
import { etcdRegistrar } from "@kit/sd-etcd";
import { start } from "addsvc/src/app.ts";
import { parseAddr } from "@kit/transport";
import { Etcd3 } from "etcd3";

const usage = "usage: node src/instance.ts [--etcd host:port] [--prefix /services/addsvc/] [--http-addr host:port] [--ttl seconds]";

let logger = log.logfmtLogger(process.stdout);
logger = log.with(logger, "ts", log.defaultTimestampUTC);

let flags: { etcd: string; prefix: string; httpAddr: string; ttl: number };
try {
  const { values } = parseArgs({
    options: {
      etcd: { type: "string" },
      prefix: { type: "string" },
      "http-addr": { type: "string" },
      ttl: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  flags = {
    etcd: values.etcd ?? process.env.ETCD_ENDPOINT ?? "127.0.0.1:2379",
    prefix: values.prefix ?? process.env.PREFIX ?? "/services/addsvc/",
    httpAddr: values["http-addr"] ?? process.env.HTTP_ADDR ?? "127.0.0.1:0",
    ttl: Number(values.ttl ?? process.env.TTL ?? "10"),
  };
  if (!Number.isInteger(flags.ttl) || flags.ttl < 1) throw new RangeError(`--ttl wants whole seconds >= 1, got ${String(flags.ttl)}`);
  parseAddr(flags.httpAddr); // a bad address is a usage error, as a bad --ttl is
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}

const signalled = new Promise<NodeJS.Signals>((resolve) => {
  process.on("SIGINT", resolve);
  process.on("SIGTERM", resolve);
});

const etcd = new Etcd3({ hosts: flags.etcd });
const app = await start({ http: flags.httpAddr, logger: log.with(logger, "component", "addsvc") });
const key = `${flags.prefix}${app.addr}`;
const registrar = etcdRegistrar(etcd, { key, value: app.url, ttl: flags.ttl }, { onError: (err) => { logger.log("msg", "registrar", "err", err); } });
try {
  await registrar.register();
} catch (err) {
  logger.log("exit", err);
  await app.close();
  etcd.close();
  process.exit(1);
}
logger.log("msg", "registered", "key", key, "url", app.url, "ttl", flags.ttl);

const signal = await signalled;
logger.log("msg", "shutting down", "signal", signal);
await registrar.deregister().catch((err: unknown) => { logger.log("msg", "deregister", "err", err); });
await app.close();
etcd.close();
logger.log("exit", signal);
