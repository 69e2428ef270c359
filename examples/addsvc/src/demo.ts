// The addsvc demo: `pnpm --filter addsvc demo` (`node src/demo.ts`). Starts addsvc on free
// ports of 127.0.0.1, calls it through the Kit HTTP client (a sum, a concat, a business error),
// prints each result on stdout, checks it, then reads what the instrumenting middleware counted
// at GET /metrics. Then it calls addsvc over gRPC (with a server stream and a bidi call) and
// JSON-RPC, and over each broker that answers on 127.0.0.1: NATS, RabbitMQ, MQTT, Redis Streams,
// Kafka and SQS (a broker that is not running is said so and left out). It exits 0 only if all of it is right. The server's
// own log lines go to stderr, marked "server |".
import net from "node:net";
import { background, isKitError, withTimeout } from "@kit/endpoint";
import * as log from "@kit/log";
import { connect as connectNats } from "@nats-io/transport-node";
import { start } from "./app.ts";
import { demoAmqp } from "./demo-amqp.ts";
import { demoGrpc } from "./demo-grpc.ts";
import { demoJsonRpc } from "./demo-jsonrpc.ts";
import { demoKafka } from "./demo-kafka.ts";
import { demoMqtt } from "./demo-mqtt.ts";
import { demoNats } from "./demo-nats.ts";
import { demoRedis } from "./demo-redis.ts";
import { demoSqs } from "./demo-sqs.ts";
import { httpClient } from "./demo-clients.ts";

// Never hang: whatever happens, the demo is over within a minute and a half.
const watchdog = setTimeout(() => {
  console.error("demo: gave up after 90 s");
  process.exit(1);
}, 90_000);
watchdog.unref();

console.log('Starting addsvc on 127.0.0.1 (its own log lines go to stderr, marked "server |").');
const serverLog = log.logfmtLogger({ write: (line: string) => process.stderr.write(`  server | ${line}`) });
const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger: serverLog });

let status: number | undefined;
const svc = httpClient(app.url, { finalizer: [(_ctx, outcome) => { status = outcome.status; }] });
const [ctx, cancel] = withTimeout(background(), 2_000);
let failures = 0;

/** Calls `call`, prints its result or error, and checks it with `check`, which says what was wrong. */
async function demo(title: string, call: () => Promise<unknown>, check: (result: unknown, err: unknown) => string | undefined): Promise<void> {
  console.log(title);
  let result: unknown;
  let err: unknown;
  try {
    result = await call();
  } catch (thrown) {
    err = thrown;
  }
  const shown = isKitError(err)
    ? `error ${err.code}: ${err.message} (HTTP ${String(status)})`
    : err === undefined ? JSON.stringify(result) : `unexpected ${err instanceof Error ? err.message : "throw"}`;
  const problem = check(result, err);
  if (problem !== undefined) failures += 1;
  console.log(`  → ${shown}  ${problem === undefined ? "✓" : `✗ ${problem}`}`);
}

console.log(`Calling it at ${app.url} through the Kit HTTP client:\n`);
try {
  await demo("sum(2, 3)", () => svc.sum(ctx, 2, 3), (v) => (v === 5 ? undefined : "expected 5"));
  await demo('concat("kit", "go")', () => svc.concat(ctx, "kit", "go"), (v) => (v === "kitgo" ? undefined : 'expected "kitgo"'));
  await demo("sum(0, 0)", () => svc.sum(ctx, 0, 0), (_v, err) =>
    isKitError(err) && err.code === "invalid_argument" && err.message === "can't sum two zeroes" && status === 400
      ? undefined
      : `expected invalid_argument "can't sum two zeroes" with HTTP 400`);

  console.log(`\nGET ${app.url}/metrics, the requests the instrumenting middleware counted:`);
  const scrape = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const counted = (await scrape.text()).split("\n").filter((line) => line.startsWith("addsvc_requests_total{"));
  for (const line of counted) console.log(`  ${line}`);
  const want = [
    'addsvc_requests_total{endpoint="sum",code="ok"} 1',
    'addsvc_requests_total{endpoint="sum",code="invalid_argument"} 1',
    'addsvc_requests_total{endpoint="concat",code="ok"} 1',
  ];
  const missing = want.filter((line) => !counted.includes(line));
  if (scrape.status !== 200 || missing.length > 0) {
    failures += 1;
    console.log(`  ✗ expected HTTP 200 with ${missing.join(", ")}`);
  } else {
    console.log("  ✓ (plus a latency histogram and an in-flight gauge per endpoint)");
  }
} finally {
  cancel();
}

/** Whether something listens on 127.0.0.1:`port`, within a second. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, timeout: 1_000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => {
      done(true);
    });
    socket.once("error", () => {
      done(false);
    });
    socket.once("timeout", () => {
      done(false);
    });
  });
}

const env = process.env;
const natsUrl = env.NATS_URL ?? "nats://127.0.0.1:4222";
const amqpUrl = env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const mqttUrl = env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const redisUrl = env.REDIS_URL ?? "redis://127.0.0.1:6379";
const kafkaBrokers = (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const sqsEndpoint = env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const portOf = (address: string, fallback: number): number => Number(/:(\d+)(?:\/|$)/.exec(address)?.[1] ?? fallback);
const indent = (line: string): void => {
  console.log(`  ${line}`);
};
const transports: { title: string; port: number | undefined; run: () => Promise<void> }[] = [
  { title: "gRPC", port: undefined, run: () => demoGrpc(app.grpcAddr, indent) },
  { title: "JSON-RPC", port: undefined, run: () => demoJsonRpc(app.endpoints, indent) },
  {
    title: `NATS at ${natsUrl}`,
    port: portOf(natsUrl, 4222),
    run: async () => {
      const nc = await connectNats({ servers: natsUrl, timeout: 5_000 });
      try {
        await demoNats(nc, indent);
      } finally {
        await nc.close();
      }
    },
  },
  { title: `RabbitMQ at ${amqpUrl.replace(/\/\/[^@/]*@/, "//")}`, port: portOf(amqpUrl, 5672), run: () => demoAmqp(amqpUrl, indent) },
  { title: `MQTT at ${mqttUrl}`, port: portOf(mqttUrl, 1883), run: () => demoMqtt(mqttUrl, indent) },
  { title: `Redis Streams at ${redisUrl}`, port: portOf(redisUrl, 6379), run: () => demoRedis(redisUrl, indent) },
  { title: `Kafka at ${kafkaBrokers.join(",")}`, port: portOf(kafkaBrokers[0] ?? "", 9092), run: () => demoKafka(kafkaBrokers, indent) },
  { title: `SQS at ${sqsEndpoint}`, port: portOf(sqsEndpoint, 9324), run: () => demoSqs(sqsEndpoint, indent) },
];
let shown = 0;
let skipped = 0;
try {
  for (const { title, port, run } of transports) {
    console.log(`\n[${title}]`);
    if (port !== undefined && !(await listening(port))) {
      skipped += 1;
      console.log(`  (nothing listens on 127.0.0.1:${String(port)}; start it with \`bash scripts/services.sh start\`)`);
      continue;
    }
    try {
      await run();
      shown += 1;
    } catch (err) {
      failures += 1;
      console.log(`  ✗ ${err instanceof Error ? err.message : String(err)}`);
    }
  }
} finally {
  await app.close();
}

console.log(
  failures === 0
    ? `\nAll answered as expected: HTTP and ${String(shown)} more transport${shown === 1 ? "" : "s"}${skipped > 0 ? ` (${String(skipped)} broker${skipped === 1 ? "" : "s"} not running)` : ""}. Server closed.`
    : `\n${String(failures)} check${failures === 1 ? "" : "s"} went wrong.`,
);
clearTimeout(watchdog);
process.exitCode = failures === 0 ? 0 : 1;
