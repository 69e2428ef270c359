// Starts a real grpc-js server on 127.0.0.1 with the test service, and makes clients for it.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { bindService } from "../src/bind-service.ts";

const protoPath = fileURLToPath(new URL("kit_test.proto", import.meta.url));
const pkg = protoLoader.loadSync(protoPath, { longs: Number, defaults: true });

/** The test service's definition, from proto-loader. */
export const Test = pkg["kittest.Test"] as grpc.ServiceDefinition;

export interface EchoRequest { text: string }
export interface EchoReply { text: string }
export interface CountRequest { n: number; payloadBytes?: number }
export interface Item { seq: number; payload?: Buffer }
export interface TotalReply { count: number; sum: number }

/** The test service's methods, typed. */
export const Echo = Test.Echo as grpc.MethodDefinition<EchoRequest, EchoReply>;
export const Count = Test.Count as grpc.MethodDefinition<CountRequest, Item>;
export const Total = Test.Total as grpc.MethodDefinition<Item, TotalReply>;
export const Chat = Test.Chat as grpc.MethodDefinition<EchoRequest, EchoReply>;

/** A running test server and a client connected to it. */
export interface Running {
  readonly addr: string;
  readonly conn: grpc.Client;
  /** A second, raw grpc-js client made from the definition, to see what a non-Kit peer sees. */
  readonly raw: grpc.Client & Record<string, (...args: never[]) => unknown>;
  close(): Promise<void>;
}

/** Starts a grpc-js server on 127.0.0.1:0 with `handlers` bound through `bindService`. */
export async function startServer(handlers: Readonly<Record<string, grpc.UntypedHandleCall>>): Promise<Running> {
  const server = new grpc.Server();
  bindService(server, Test, handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err === null) resolve(p);
      else reject(err);
    });
  });
  const addr = `127.0.0.1:${port}`;
  const conn = new grpc.Client(addr, grpc.credentials.createInsecure());
  const Raw = grpc.makeGenericClientConstructor(Test, "Test");
  const raw = new Raw(addr, grpc.credentials.createInsecure()) as Running["raw"];
  return {
    addr,
    conn,
    raw,
    async close() {
      conn.close();
      raw.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
