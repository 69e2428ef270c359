// The handlers run the way Lambda runs them: AWS's runtime interface client (aws-lambda-ric,
// with its native Runtime API client) loads test/function/index.mjs and polls a Lambda Runtime
// API that this test serves on 127.0.0.1 (support/runtime-api.ts), then posts each result.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, restEvent, sqsEvent, sqsRecord } from "./fixtures/events.ts";
import { buildRic, ricMain } from "./support/ric.ts";
import { RuntimeApi } from "./support/runtime-api.ts";

const here = dirname(fileURLToPath(import.meta.url));
const portBase = 21_000; // this package's block: 21000-21499

interface Running {
  readonly api: RuntimeApi;
  readonly client: ChildProcess;
  readonly stderr: string[];
}

/** Starts a Runtime API on `port` and the RIC polling it for the handler `index.<name>`. */
async function start(name: string, port: number): Promise<Running> {
  const api = new RuntimeApi();
  const address = await api.listen(port);
  const client = spawn(process.execPath, [ricMain], {
    cwd: join(here, "function"),
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      AWS_LAMBDA_RUNTIME_API: address,
      _HANDLER: `index.${name}`,
      LAMBDA_TASK_ROOT: join(here, "function"),
      AWS_LAMBDA_FUNCTION_NAME: "kit",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/kit",
      AWS_LAMBDA_LOG_STREAM_NAME: "2026/12/04/[$LATEST]kit",
    },
  });
  const stderr: string[] = [];
  client.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  return { api, client, stderr };
}

async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  if (running.client.exitCode === null && running.client.signalCode === null) {
    running.client.kill("SIGKILL");
    await once(running.client, "exit");
  }
  running.api.close();
}

/** The JSON body of an HTTP result. */
function body(result: unknown): unknown {
  const { body: text, isBase64Encoded } = result as { body: string; isBase64Encoded: boolean };
  return JSON.parse(isBase64Encoded ? Buffer.from(text, "base64").toString("utf8") : text);
}

const entry = join(here, "function", "index.mjs");

beforeAll(() => {
  buildRic(); // once per machine; minutes the first time (see support/ric.ts)
  writeFileSync(entry, 'export { http, sqs } from "./handlers.ts";\n');
}, 900_000);

afterAll(() => {
  rmSync(entry, { force: true });
});

describe("server, run by aws-lambda-ric", () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await start("http", portBase);
  });
  afterAll(() => stop(running));

  it("answers API Gateway events the client polls for, one after another in one process", async () => {
    const api = running!.api;
    const results = [];
    for (let i = 0; i < 20; i++) {
      const event = i % 2 === 0 ? httpEvent(JSON.stringify({ a: i, b: 1 })) : restEvent(Buffer.from(JSON.stringify({ a: i, b: 1 })).toString("base64"), true);
      results.push(await api.invoke(JSON.stringify(event)));
    }
    expect(results.map((r) => r.kind)).toEqual(Array(20).fill("response"));
    expect(results.map((r) => body(r.body))).toEqual(Array.from({ length: 20 }, (_, i) => ({ v: i + 1 })));
    expect((results[0]?.body as { statusCode: number }).statusCode).toBe(200);
    expect((results[1]?.body as { multiValueHeaders: unknown }).multiValueHeaders).toEqual({ "content-type": ["application/json; charset=utf-8"] });
  });

  it("answers garbage events with 400 invalid_argument, and goes on serving", async () => {
    const api = running!.api;
    for (const garbage of ["null", '"GET /"', "[1,2]", '{"httpMethod":"GET"}', JSON.stringify(httpEvent("%%%", true))]) {
      const result = await api.invoke(garbage);
      expect(result.kind).toBe("response");
      expect((result.body as { statusCode: number }).statusCode).toBe(400);
      expect(body(result.body)).toMatchObject({ code: "invalid_argument" });
    }
    const after = await api.invoke(JSON.stringify(httpEvent('{"a":2,"b":2}')));
    expect(body(after.body)).toEqual({ v: 4 });
    expect(running!.client.exitCode).toBeNull();
  });

  it("answers a plain Error as internal with the generic message", async () => {
    const result = await running!.api.invoke(JSON.stringify(httpEvent('{"a":-1,"b":0}')));
    expect((result.body as { statusCode: number }).statusCode).toBe(500);
    expect(body(result.body)).toEqual({ code: "internal", message: "internal error" });
  });

  it("answers 504 before the deadline the Runtime API gave the invocation", async () => {
    const started = Date.now();
    // The endpoint waits on nothing: only the server's own timer keeps the runtime's process alive.
    const result = await running!.api.invoke(JSON.stringify(httpEvent('{"a":-2,"b":0}')), 400);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((result.body as { statusCode: number }).statusCode).toBe(504);
    expect(body(result.body)).toMatchObject({ code: "deadline_exceeded" });
    expect(running!.client.exitCode).toBeNull();
  });
});

describe("subscriber, run by aws-lambda-ric", () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await start("sqs", portBase + 1);
  });
  afterAll(() => stop(running));

  it("returns batchItemFailures for the records to retry and the ones left to the redrive policy", async () => {
    const records = [
      sqsRecord("ok-1", "{}"),
      sqsRecord("retry", '{"fail":"retry"}'),
      sqsRecord("bug", '{"fail":"bug"}'),
      sqsRecord("poison", "{oops"),
      sqsRecord("ok-2", "{}"),
    ];
    const result = await running!.api.invoke(JSON.stringify(sqsEvent(records)));
    expect(result.kind).toBe("response");
    const failures = (result.body as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures.map((f) => f.itemIdentifier);
    expect(failures.sort()).toEqual(["bug", "poison", "retry"]);
  });

  it("names a record still running when the invocation's time runs out, and answers in time", async () => {
    const started = Date.now();
    const records = [sqsRecord("hang", '{"fail":"hang"}'), sqsRecord("ok", "{}")];
    const result = await running!.api.invoke(JSON.stringify(sqsEvent(records)), 600);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.body).toEqual({ batchItemFailures: [{ itemIdentifier: "hang" }] });
    expect(running!.client.exitCode).toBeNull();
  });

  it("loses nothing when the runtime's process is killed mid-batch: the batch delivered again is handled whole", async () => {
    const first = running!;
    const batch = (receiveCount: number) => sqsEvent(Array.from({ length: 20 }, (_, i) => sqsRecord(`k${String(i)}`, '{"sleep":300}', { receiveCount })));
    const killed = first.api.invoke(JSON.stringify(batch(1)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.client.kill("SIGKILL");
    const [code, signal] = (await once(first.client, "exit")) as [number | null, string | null];
    expect([code, signal]).toEqual([null, "SIGKILL"]);
    const gone = await Promise.race([killed, new Promise((resolve) => setTimeout(resolve, 500, "no answer"))]);
    expect(gone).toBe("no answer"); // as in Lambda: nothing deleted, SQS delivers the batch again
    await stop(first);
    running = await start("sqs", portBase + 2);
    const again = await running.api.invoke(JSON.stringify(batch(2)));
    expect(again.body).toEqual({ batchItemFailures: [] });
  });

  it("reports an event that is not an SQS event as a function error, and goes on serving", async () => {
    const api = running!.api;
    const result = await api.invoke('{"Records":"nope"}');
    expect(result.kind).toBe("error");
    expect(result.body).toMatchObject({ errorMessage: expect.stringContaining("Records") as unknown });
    const after = await api.invoke(JSON.stringify(sqsEvent([sqsRecord("ok", "{}")])));
    expect(after.body).toEqual({ batchItemFailures: [] });
  });
});
