// The HTTP servers `http.bench.ts` compares, one per child process: `node http-servers.ts
// <name> <port>` (forked, with an IPC channel) starts the named server on 127.0.0.1:<port>,
// says `ready`, and answers `mark` (start counting CPU) and `report` (the CPU time used since
// the mark, in µs, from process.cpuUsage: every thread of the process, the GC's included).
//
// Every server does the same work, each the way its documentation shows: POST /sum with the
// JSON body {"a":1,"b":2} answers 200 {"v":3} as JSON; the "two routes" servers also serve
// POST /concat, which the load never calls (it measures the price of routing). No schema
// validation anywhere (raw node:http has none), no logging.
import http from "node:http";
import type { Endpoint } from "@kit/endpoint";
import { decodeJSON, encodeJSON, encodeJSONWith, jsonSerializer, router, server } from "@kit/transport-http";

interface Sum {
  a: number;
  b: number;
}

type Start = (port: number) => Promise<unknown>;

const sum: Endpoint<Sum, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
const concat: Endpoint<{ a: string; b: string }, { v: string }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });

function listen(handler: http.RequestListener, port: number): Promise<http.Server> {
  return new Promise((resolve) => {
    const srv = http.createServer(handler);
    srv.listen(port, "127.0.0.1", () => {
      resolve(srv);
    });
  });
}

const servers: Record<string, Start> = {
  "raw node:http": (port) =>
    listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const { a, b } = JSON.parse(Buffer.concat(chunks).toString()) as Sum;
        const body = JSON.stringify({ v: a + b });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    }, port),

  "Kit transport-http": (port) => listen(server(sum, decodeJSON<Sum>(), encodeJSON), port),

  "Kit transport-http, jsonSerializer": (port) =>
    listen(server(sum, decodeJSON<Sum>(), encodeJSONWith(jsonSerializer<{ v: number }>({ v: "number" }))), port),

  "Kit router, two routes": (port) =>
    listen(
      router([
        ["POST /sum", server(sum, decodeJSON<Sum>(), encodeJSON)],
        ["POST /concat", server(concat, decodeJSON<{ a: string; b: string }>(), encodeJSON)],
      ]),
      port,
    ),

  "Fastify 5": async (port) => {
    const { default: Fastify } = await import("fastify");
    const app = Fastify();
    app.post("/sum", (request) => {
      const { a, b } = request.body as Sum;
      return Promise.resolve({ v: a + b });
    });
    return app.listen({ port, host: "127.0.0.1" });
  },

  "Fastify 5, two routes": async (port) => {
    const { default: Fastify } = await import("fastify");
    const app = Fastify();
    app.post("/sum", (request) => {
      const { a, b } = request.body as Sum;
      return Promise.resolve({ v: a + b });
    });
    app.post("/concat", (request) => {
      const { a, b } = request.body as { a: string; b: string };
      return Promise.resolve({ v: a + b });
    });
    return app.listen({ port, host: "127.0.0.1" });
  },

  "Hono (node-server)": async (port) => {
    const { Hono } = await import("hono");
    const { serve } = await import("@hono/node-server");
    const app = new Hono();
    app.post("/sum", async (c) => {
      const { a, b } = await c.req.json<Sum>();
      return c.json({ v: a + b });
    });
    return new Promise((resolve) => {
      const srv = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
        resolve(srv);
      });
    });
  },

  "Express 5": async (port) => {
    const { default: express } = await import("express");
    const app = express();
    app.use(express.json());
    app.post("/sum", (req, res) => {
      const { a, b } = req.body as Sum;
      res.json({ v: a + b });
    });
    return new Promise((resolve) => {
      const srv = app.listen(port, "127.0.0.1", () => {
        resolve(srv);
      });
    });
  },

  "NestJS (fastify)": async (port) => {
    const { startNest } = await import("./http-nest.ts");
    return startNest(port);
  },

  "Moleculer + moleculer-web": async (port) => {
    const { startMoleculer } = await import("./http-moleculer.ts");
    return startMoleculer(port);
  },
};

/** The names of the servers, in the order the tables list them. */
export const serverNames: readonly string[] = Object.keys(servers);

async function main(): Promise<void> {
  const [name = "", port = "0"] = process.argv.slice(2);
  const start = servers[name];
  if (start === undefined) throw new Error(`no server named ${JSON.stringify(name)}: ${serverNames.join(", ")}`);
  await start(Number(port));
  let mark = process.cpuUsage();
  process.on("message", (message: string) => {
    if (message === "mark") {
      mark = process.cpuUsage();
      process.send?.("marked");
    }
    if (message === "report") {
      const used = process.cpuUsage(mark);
      process.send?.({ cpuMicros: used.user + used.system });
    }
    if (message === "stop") process.exit(0);
  });
  process.send?.("ready");
}

if (process.argv[1]?.endsWith("http-servers.ts") && process.send !== undefined) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
