// stringsvc4: the service on NATS (stringsvc.uppercase and stringsvc.count, queue group
// stringsvc) and an HTTP front-end that calls it over NATS. Go kit's examples/stringsvc4.
//
//   node src/stringsvc4.ts [--listen 127.0.0.1:8080] [--nats-url nats://127.0.0.1:4222]
import * as log from "@kit/log";
import { connect } from "@nats-io/transport-node";
import { closeServer, exitOnSignal, flags, listen } from "./cli.ts";
import { httpHandler } from "./http.ts";
import { natsEndpoints, serveNats } from "./nats.ts";
import { stringService } from "./service.ts";

const usage = "usage: node src/stringsvc4.ts [--listen host:port] [--nats-url url]";
const { listen: addr, "nats-url": natsUrl } = flags({ listen: "127.0.0.1:8080", "nats-url": process.env.NATS_URL ?? "nats://127.0.0.1:4222" }, usage);
const logger = log.logfmtLogger(process.stderr);

const nc = await connect({ servers: natsUrl });
const served = serveNats(nc, stringService(), logger);
logger.log("msg", "NATS", "url", natsUrl, "subjects", "stringsvc.uppercase,stringsvc.count", "queue", "stringsvc");

const server = await listen(httpHandler(natsEndpoints(nc), logger), addr, logger);
exitOnSignal(async () => {
  await closeServer(server);
  await served.close();
  await nc.close();
});
