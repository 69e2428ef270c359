// Runs the README's example against a real grpc-js server on 127.0.0.1 (port 0 instead of 50051).
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { background, withTimeout, type Endpoint, type ServerStreamEndpoint } from "@kit/endpoint";
import { expect, it } from "vitest";
import { bindService } from "../src/bind-service.ts";
import { client } from "../src/client.ts";
import { server, serverStream } from "../src/server.ts";
import { serverStreamClient } from "../src/stream-client.ts";

it("runs the README example", async () => {
  const lines: unknown[] = [];
  const log = (line: unknown): void => {
    lines.push(line);
  };

  const pkg = protoLoader.loadSync(fileURLToPath(new URL("calc.proto", import.meta.url)), { longs: Number, defaults: true });
  const Calc = pkg["calc.Calc"] as grpc.ServiceDefinition;

  const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => Promise.resolve({ v: a + b });
  const count: ServerStreamEndpoint<{ n: number }, { v: number }> = async function* (ctx, { n }) {
    for (let v = 1; v <= n && !ctx.signal.aborted; v++) yield await Promise.resolve({ v });
  };
  const grpcServer = new grpc.Server();
  bindService(grpcServer, Calc, { Sum: server(sum), Count: serverStream(count) });
  const port = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err === null) resolve(p);
      else reject(err);
    });
  });

  const conn = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    // proto-loader's definitions are untyped (`any`); the README leaves the types to client<…>.
    const remoteSum = client<{ a: number; b: number }, { v: number }>(conn, Calc.Sum as grpc.MethodDefinition<{ a: number; b: number }, { v: number }>);
    const remoteCount = serverStreamClient<{ n: number }, { v: number }>(conn, Calc.Count as grpc.MethodDefinition<{ n: number }, { v: number }>);
    const [ctx, cancel] = withTimeout(background(), 1_000);
    log(await remoteSum(ctx, { a: 1, b: 2 }));
    for await (const { v } of remoteCount(ctx, { n: 3 })) log(v);
    cancel();
  } finally {
    conn.close();
    grpcServer.forceShutdown();
  }
  expect(lines).toEqual([{ v: 3 }, 1, 2, 3]);
});
