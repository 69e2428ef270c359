// The generated serveHappenings against ElasticMQ (9324) with no AWS settings in the
// environment: `sqsConfig` gives the SQSClient its region and credentials, over the endpoint.
import { randomUUID } from "node:crypto";
import { DeleteQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, withTimeout } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { happeningsClient, type HappeningsEndpoints } from "./fixtures/events/generated/happenings.endpoints.ts";
import { happeningsTransportOn, serveHappenings, type HappeningsConnection } from "./fixtures/events/generated/happenings.serve.ts";

const prefix = `kitgen-sqs-config-${randomUUID().slice(0, 8)}`;
const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const sqsConfig = { region: "eu-west-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } };

beforeAll(() => {
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"]) Reflect.deleteProperty(process.env, name);
});

afterAll(async () => {
  const sqs = new SQSClient({ endpoint, ...sqsConfig });
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  await Promise.all((listed.QueueUrls ?? []).map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))));
  sqs.destroy();
}, 30_000);

describe("generated serveHappenings' sqsConfig", () => {
  it("gives the SQS client its region and credentials: the queues are created and a published event is handled", { timeout: 30_000 }, async () => {
    const seen: string[] = [];
    let publisher: HappeningsEndpoints | undefined;
    const endpoints = async (connection: HappeningsConnection, defer: (close: () => Promise<unknown>) => void): Promise<HappeningsEndpoints> => {
      publisher = await happeningsTransportOn(connection, defer, { prefix });
      return { seen: (_ctx, { id }) => Promise.resolve(void seen.push(id)) };
    };
    const lines: unknown[][] = [];
    const served = await serveHappenings(endpoints, { prefix, sqs: endpoint, sqsConfig, logger: { log: (...keyvals) => lines.push(keyvals) } });
    const [ctx, cancel] = withTimeout(background(), 20_000);
    try {
      expect(lines).toEqual([["transport", "SQS", "queues", expect.stringContaining(`/${prefix}-seen`)]]);
      if (publisher === undefined) throw new Error("serveHappenings asked for no SQS endpoints");
      await happeningsClient(publisher).seen(ctx, "sqs-1", Date.now());
      await expect.poll(() => seen, { timeout: 20_000 }).toEqual(["sqs-1"]);
    } finally {
      cancel();
      await served.close();
    }
  });

  it("without it, and without a region in the environment, does not start, saying so", { timeout: 30_000 }, async () => {
    await expect(serveHappenings({ seen: () => Promise.resolve() }, { prefix, sqs: endpoint })).rejects.toThrow(/[Rr]egion is missing/);
  });
});
