import { background, Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { serveTransports, type ServeOptions, type ServeStart } from "./serve-transports.ts";

interface Options extends ServeOptions {
  readonly queue?: string;
  readonly web?: string;
}
type Connection = { readonly transport: "web" } | { readonly transport: "queue"; readonly queue: string };
interface Endpoints {
  readonly sum: (a: number, b: number) => number;
}
type Start = ServeStart<Options, Connection, Endpoints>;

const endpoints: Endpoints = { sum: (a, b) => a + b };

/** A logger keeping its lines. */
function lines() {
  const logged: unknown[][] = [];
  return { logged, logger: { log: (...keyvals: unknown[]) => logged.push(keyvals) } };
}

/** A transport that "listens" on `value`, defers its close (noting it in `closed`) and logs its line. */
async function startWeb(value: string, start: Start, closed: string[]): Promise<string> {
  await start.endpointsOn({ transport: "web" });
  const { host, port } = start.listenOn(value);
  const addr = `${host}:${String(port === 0 ? 4321 : port)}`;
  start.defer(() => Promise.resolve(closed.push("web")));
  start.logger.log("transport", "WEB", "addr", addr);
  return addr;
}

describe("serveTransports", () => {
  it("gives each start the options, the service's prefix, the logger's error handler and the subscriber options", async () => {
    const { logged, logger } = lines();
    let seen: Start | undefined;
    await serveTransports<Options, Connection, Endpoints>(endpoints, { logger, concurrency: 4, graceMs: 100 }, "adder", async (start) => {
      seen = start;
      return Promise.resolve();
    });
    expect(seen?.prefix).toBe("adder");
    expect(seen?.subscriber.concurrency).toBe(4);
    expect(seen?.listenOn(":8081")).toEqual({ host: "127.0.0.1", port: 8081, graceMs: 100 });
    expect(await seen?.endpointsOn({ transport: "web" })).toBe(endpoints);
    seen?.handling.errorHandler?.handle(background(), new KitError(Code.NotFound, "no such sum"));
    expect(logged).toEqual([["err", expect.objectContaining({ message: "no such sum" }), "code", "not_found"]]);
  });

  it("keeps the given error handler and prefix, and names each default name under the prefix", async () => {
    const errorHandler = { handle: () => undefined };
    let seen: Start | undefined;
    await serveTransports<Options, Connection, Endpoints>(endpoints, { errorHandler, prefix: "shop" }, "adder", async (start) => {
      seen = start;
      return Promise.resolve();
    });
    expect(seen?.handling.errorHandler).toBe(errorHandler);
    expect(seen?.subscriber).toEqual({ errorHandler });
    expect(seen?.namesOf({ sum: "adder.sum", concat: "adder.concat", other: "elsewhere.x" })).toBe("shop.sum,shop.concat,elsewhere.x");
  });

  it("asks for each transport's endpoints with its connection; what they defer closes before the connection", async () => {
    const closed: string[] = [];
    const asked: Connection[] = [];
    const { logged, logger } = lines();
    const close = await serveTransports<Options, Connection, Endpoints>(
      (connection, defer) => {
        asked.push(connection);
        defer(() => Promise.resolve(closed.push(`endpoints of ${connection.transport}`)));
        return endpoints;
      },
      { logger, web: ":0", queue: "q1" },
      "adder",
      async (start) => {
        await startWeb(":0", start, closed);
        start.defer(() => Promise.resolve(closed.push("queue")));
        await start.endpointsOn({ transport: "queue", queue: "q1" });
      },
    );
    expect(asked).toEqual([{ transport: "web" }, { transport: "queue", queue: "q1" }]);
    expect(logged).toEqual([["transport", "WEB", "addr", "127.0.0.1:4321"]]);
    await Promise.all([close(), close()]);
    expect(closed).toEqual(["endpoints of queue", "queue", "web", "endpoints of web"]);
  });

  it("when a start fails, closes what started, last first, and throws its error", async () => {
    const closed: string[] = [];
    const failing = serveTransports<Options, Connection, Endpoints>(endpoints, {}, "adder", async (start) => {
      await startWeb("127.0.0.1:9000", start, closed);
      start.defer(() => Promise.reject(new Error("already gone"))); // a close that fails does not hide the start's error
      throw new Error("queue refused");
    });
    await expect(failing).rejects.toThrow("queue refused");
    expect(closed).toEqual(["web"]);
  });

  it("refuses an address it cannot read, as parseAddr does", async () => {
    const failing = serveTransports<Options, Connection, Endpoints>(endpoints, {}, "adder", (start) => startWeb("8081", start, []).then(() => undefined));
    await expect(failing).rejects.toThrow(new RangeError('invalid address "8081": want host:port, such as 127.0.0.1:8081'));
  });
});
