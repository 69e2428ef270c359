// Moleculer with its HTTP gateway moleculer-web, for `http-servers.ts`: a `math.sum` action
// behind the alias `POST /sum`, the way moleculer-web's documentation maps a REST call.
import { ServiceBroker, type Context } from "moleculer";
import ApiGateway from "moleculer-web";

/** Starts the broker and its gateway on 127.0.0.1:`port`. */
export async function startMoleculer(port: number): Promise<ServiceBroker> {
  const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false });
  broker.createService({
    name: "math",
    actions: {
      sum(ctx: Context<{ a: number; b: number }>) {
        return { v: ctx.params.a + ctx.params.b };
      },
    },
  });
  broker.createService({
    name: "api",
    mixins: [ApiGateway],
    settings: {
      port,
      ip: "127.0.0.1",
      logRequest: false,
      logResponse: false,
      routes: [{ path: "/", aliases: { "POST /sum": "math.sum" }, bodyParsers: { json: true }, logging: false }],
    },
  });
  await broker.start();
  return broker;
}
