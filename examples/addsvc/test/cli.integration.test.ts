// The two programs, run as a user runs them: `node src/demo.ts` and `node src/main.ts`.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A child `node` process on one of addsvc's scripts, with its output collected. */
function run(script: string, args: string[] = [], env: Record<string, string> = {}): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString("utf8"); });
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
  const killer = setTimeout(() => child.kill("SIGKILL"), 80_000); // never outlive the test
  const exit = once(child, "exit").then(([code]) => {
    clearTimeout(killer);
    return code as number | null;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/**
 * Resolves with the first match of `pattern` in `read()`, polling every 20 ms for at most 20 s
 * (a start takes a few seconds on a loaded machine: loading the broker clients alone is seconds).
 */
async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 1_000; i++) {
    const match = pattern.exec(read());
    if (match !== null) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${String(pattern)} within 20 s in:\n${read()}`);
}

/**
 * Ends the persistent MQTT session `clientId` left behind: Mosquitto would otherwise keep giving
 * it its share of the `addsvc` group's requests for an hour after its process is gone.
 */
async function endMqttSession(url: string, clientId: string): Promise<void> {
  const { connectAsync } = await import("mqtt");
  const client = await connectAsync(url, { protocolVersion: 5, clientId, clean: true });
  await client.endAsync();
}

describe("the demo", () => {
  it("makes its three calls, shows each result and what /metrics counted, then calls over gRPC and each broker, and exits 0", { timeout: 90_000 }, async () => {
    const demo = run("src/demo.ts");
    expect(await demo.exit).toBe(0); // the demo closes what it opened: it exits by itself, within the test's bound
    const out = demo.stdout();
    expect(out).toContain("sum(2, 3)\n  → 5  ✓");
    expect(out).toContain('concat("kit", "go")\n  → "kitgo"  ✓');
    expect(out).toContain("sum(0, 0)\n  → error invalid_argument: can't sum two zeroes (HTTP 400)  ✓");
    expect(out).toContain('  addsvc_requests_total{endpoint="sum",code="invalid_argument"} 1\n');
    expect(out).toContain("RunningSums([1, 2, 3, 4]) (server stream)  →  [1,3,6,10]  ✓");
    expect(out).toContain("SumEach (bidi)  →  3 answers  ✓");
    expect(out).toContain("All 3 calls over JSON-RPC answered as expected; server closed.");
    expect(out).toMatch(/\nAll answered as expected: HTTP and \d more transports?( \(\d brokers? not running\))?\. Server closed\.\n$/);
    expect(demo.stderr()).toMatch(/^ {2}server \| transport=HTTP addr=127\.0\.0\.1:\d+$/m);
  });
});

describe("the server entry point", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("serves on --http-addr with /metrics, logs logfmt to stdout, and on %s shuts down cleanly with exit 0", async (signal) => {
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0"]);
    try {
      const [, addr] = await waitFor(main.stdout, /transport=HTTP addr=(127\.0\.0\.1:\d+)\n/);
      const res = await fetch(`http://${addr ?? ""}/sum`, { method: "POST", body: '{"a":2,"b":3}' });
      expect(await res.text()).toBe('{"v":5}\n');
      await waitFor(main.stdout, /method=sum err=null took_ms=\S+\n/);
      const metrics = await fetch(`http://${addr ?? ""}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('addsvc_requests_total{endpoint="sum",code="ok"} 1\n');
      main.child.kill(signal);
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
    const lines = main.stdout().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ts=\d{4}-\d\d-\d\dT[\d:.]+Z caller=add\.serve\.ts:\d+ transport=HTTP addr=127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^ts=\S+ caller=add\.serve\.ts:\d+ transport=gRPC addr=127\.0\.0\.1:\d+$/);
    expect(lines[2]).toMatch(/^ts=\S+ caller=\S+ method=sum err=null took_ms=\S+$/);
    expect(lines.slice(3).map((line) => line.replace(/^ts=\S+ caller=\S+ /, ""))).toEqual([
      `msg="shutting down" signal=${signal}`,
      `exit=${signal}`,
    ]);
  });

  it("serves over NATS too when given --nats-url", async () => {
    const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--nats-url", natsUrl]);
    try {
      await waitFor(main.stdout, /transport=NATS /);
      const { connect } = await import("@nats-io/transport-node");
      const nc = await connect({ servers: natsUrl });
      try {
        const reply = await nc.request("addsvc.sum", JSON.stringify({ a: 20, b: 22 }), { timeout: 5_000 });
        expect(reply.string()).toBe('{"v":42}');
      } finally {
        await nc.close();
      }
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
  });

  it("serves over JSON-RPC, RabbitMQ, MQTT and Redis Streams too when given --jsonrpc-addr, --amqp-url, --mqtt-url and --redis-url", { timeout: 60_000 }, async () => {
    const amqpUrl = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
    const mqttUrl = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const mqttClientId = `addsvc-cli-test-${String(process.pid)}`;
    const flags = ["--jsonrpc-addr", "127.0.0.1:0", "--amqp-url", amqpUrl, "--mqtt-url", mqttUrl, "--mqtt-client-id", mqttClientId, "--redis-url", redisUrl];
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", ...flags]);
    const { background, withTimeout } = await import("@kit/endpoint");
    const [ctx, cancel] = withTimeout(background(), 10_000);
    try {
      const [, addr] = await waitFor(main.stdout, /transport=JSONRPC addr=(127\.0\.0\.1:\d+)\n/);
      await waitFor(main.stdout, /transport=AMQP queues=addsvc\.sum,addsvc\.concat\n/);
      await waitFor(main.stdout, /transport=MQTT topics=addsvc\/sum,addsvc\/concat group=addsvc\n/);
      await waitFor(main.stdout, /transport=Redis streams=addsvc:sum,addsvc:concat group=addsvc\n/);
      const { jsonRpcClient } = await import("../src/demo-clients.ts");
      expect(await jsonRpcClient(`http://${addr ?? ""}/`).sum(ctx, 20, 22)).toBe(42);

      const { connect: connectAmqp } = await import("@kit/transport-amqp");
      const { amqpClient } = await import("../src/demo-clients.ts");
      const amqp = await connectAmqp(amqpUrl);
      try {
        expect(await amqpClient(amqp).concat(ctx, "kit", "go")).toBe("kitgo");
      } finally {
        await amqp.close();
      }

      const { connectAsync } = await import("mqtt");
      const { mqttClient } = await import("../src/demo-clients.ts");
      const mqtt = await connectAsync(mqttUrl, { protocolVersion: 5 });
      try {
        expect(await mqttClient(mqtt).sum(ctx, 1, 2)).toBe(3);
      } finally {
        await mqtt.endAsync();
      }

      const { createClient } = await import("redis");
      const { redisClient } = await import("../src/demo-clients.ts");
      const redis = createClient({ url: redisUrl });
      await redis.connect();
      const svc = redisClient(redis);
      try {
        expect(await svc.concat(ctx, "a", "b")).toBe("ab");
      } finally {
        await svc.close();
        redis.destroy();
      }
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      cancel();
      main.child.kill("SIGKILL");
      await endMqttSession(mqttUrl, mqttClientId);
    }
  });

  it("answers Sum's events on the Kafka and the SQS they came from when given --kafka-brokers and --sqs-endpoint", { timeout: 60_000 }, async () => {
    const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
    const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
    const aws = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "t", AWS_SECRET_ACCESS_KEY: "t" };
    const main = run("src/main.ts", ["--http-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--kafka-brokers", brokers, "--sqs-endpoint", endpoint], aws);
    const { Kafka, logLevel } = await import("kafkajs");
    const { ReceiveMessageCommand, SendMessageCommand, SQSClient } = await import("@aws-sdk/client-sqs");
    const kafka = new Kafka({ clientId: "addsvc-cli-test", brokers: [brokers], logLevel: logLevel.NOTHING });
    const id = `cli-${String(process.pid)}-${String(Date.now())}`;
    const consumer = kafka.consumer({ groupId: `addsvc-cli-test-${id}` });
    const producer = kafka.producer();
    const sqs = new SQSClient({ endpoint, region: aws.AWS_REGION, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    try {
      await waitFor(main.stdout, /transport=Kafka topics=addsvc\.sum-requested\n/);
      const [, requests] = await waitFor(main.stdout, /transport=SQS queues=(\S+)\n/);
      const results = (requests ?? "").replace(/sum-requested$/, "sum-computed");

      await sqs.send(new SendMessageCommand({ QueueUrl: requests, MessageBody: JSON.stringify({ id, a: 2, b: 3 }) }));
      let computed: string | undefined;
      for (let i = 0; i < 20 && computed === undefined; i++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: results, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
        computed = Messages.map((m) => m.Body ?? "").find((body) => body.includes(id));
      }
      expect(computed).toBe(JSON.stringify({ id, v: 5 }));

      await consumer.connect();
      await consumer.subscribe({ topic: "addsvc.sum-computed", fromBeginning: true }); // a group of its own: no result is missed
      const answered = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            if (message.key?.toString() === id) resolve(message.value?.toString() ?? "");
            return Promise.resolve();
          },
        });
      });
      await producer.connect();
      await producer.send({ topic: "addsvc.sum-requested", messages: [{ key: id, value: JSON.stringify({ id, a: 0, b: 0 }) }] });
      expect(JSON.parse(await answered)).toEqual({ id, error: { code: "invalid_argument", message: "can't sum two zeroes" } });
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
      sqs.destroy();
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
  });

  it("takes its address from HTTP_ADDR", async () => {
    const main = run("src/main.ts", [], { HTTP_ADDR: "127.0.0.1:0", GRPC_ADDR: "127.0.0.1:0" });
    try {
      await waitFor(main.stdout, /transport=HTTP addr=127\.0\.0\.1:\d+\n/);
      main.child.kill("SIGTERM");
      expect(await main.exit).toBe(0);
    } finally {
      main.child.kill("SIGKILL");
    }
  });

  it("exits 2 on an address it cannot read, saying why", async () => {
    const main = run("src/main.ts", ["--http-addr", "8081"]);
    expect(await main.exit).toBe(2);
    expect(main.stdout()).toContain('exit="invalid address \\"8081\\": want host:port, such as 127.0.0.1:8081"');
  });
});
