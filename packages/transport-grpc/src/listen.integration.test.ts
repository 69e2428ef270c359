import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Test, type EchoReply, type EchoRequest } from "../test/harness.ts";
import { bindService } from "./bind-service.ts";
import { listen } from "./listen.ts";
import { server } from "./server.ts";

// A real grpc-js server on 127.0.0.1, bound by listen and called by a grpc-js client.

/** A server whose Echo answers after `delayMs`, or never. */
function echoServer(delayMs: number | "never"): grpc.Server {
  const grpcServer = new grpc.Server();
  const echo = (_ctx: unknown, request: EchoRequest): Promise<EchoReply> => {
    if (delayMs === "never") return new Promise<never>(() => undefined);
    return new Promise((resolve) => {
      setTimeout(() => {
        resolve({ text: request.text });
      }, delayMs);
    });
  };
  bindService(grpcServer, Test, { Echo: server(echo) });
  return grpcServer;
}

function callEcho(addr: string, text: string): Promise<string> {
  const Raw = grpc.makeGenericClientConstructor(Test, "Test");
  const client = new Raw(addr, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    (client.Echo as unknown as (req: EchoRequest, cb: (e: grpc.ServiceError | null, v?: EchoReply) => void) => void)({ text }, (err, reply) => {
      client.close();
      if (err === null) resolve(reply?.text ?? "");
      else reject(err);
    });
  });
}

describe("listen", () => {
  it("binds a free port and gives the address to dial", async () => {
    const running = await listen(echoServer(0), { host: "127.0.0.1", port: 0 });
    try {
      expect(running.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(await callEcho(running.addr, "hi")).toBe("hi");
    } finally {
      await running.close();
    }
  });

  it("rejects when the port is taken", async () => {
    const first = await listen(echoServer(0), { host: "127.0.0.1", port: 0 });
    try {
      const port = Number(first.addr.split(":")[1]);
      await expect(listen(echoServer(0), { host: "127.0.0.1", port })).rejects.toThrow();
    } finally {
      await first.close();
    }
  });

  it("lets a call in flight finish on close", async () => {
    const running = await listen(echoServer(200), { host: "127.0.0.1", port: 0 });
    const answer = callEcho(running.addr, "late");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = running.close();
    expect(running.close()).toBe(closed);
    expect(await answer).toBe("late");
    await closed;
  });

  it("cuts a call still open after the grace period", async () => {
    const running = await listen(echoServer("never"), { host: "127.0.0.1", port: 0, graceMs: 100 });
    const answer = callEcho(running.addr, "never").then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = Date.now();
    await running.close();
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(await answer).toBe("cut");
  });
});
