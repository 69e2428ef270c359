import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answersHttp } from "./answers-http.ts";
import { freePort } from "./free-port.ts";

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === "/health" ? 200 : 503;
    res.end("body");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("answersHttp", () => {
  it("is true when the path answers 2xx and false when it answers otherwise", async () => {
    expect(await answersHttp("/health")(port)).toBe(true);
    expect(await answersHttp("/-/ready")(port)).toBe(false);
  });

  it("throws when nothing listens, which startOwnBroker counts as not yet", async () => {
    await expect(answersHttp("/health")(await freePort())).rejects.toThrow();
  });
});
