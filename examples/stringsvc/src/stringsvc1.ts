// stringsvc1: the service, its two endpoints, and HTTP. Go kit's examples/stringsvc1.
//
//   node src/stringsvc1.ts [--listen 127.0.0.1:8080]
import * as log from "@kit/log";
import { closeServer, exitOnSignal, flags, listen } from "./cli.ts";
import { makeCountEndpoint, makeUppercaseEndpoint } from "./endpoints.ts";
import { httpHandler } from "./http.ts";
import { stringService } from "./service.ts";

const { listen: addr } = flags({ listen: "127.0.0.1:8080" }, "usage: node src/stringsvc1.ts [--listen host:port]");
const logger = log.logfmtLogger(process.stderr);

const svc = stringService();
const handler = httpHandler({ uppercase: makeUppercaseEndpoint(svc), count: makeCountEndpoint(svc) }, logger);

const server = await listen(handler, addr, logger);
exitOnSignal(() => closeServer(server));
