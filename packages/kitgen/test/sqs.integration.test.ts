// The generated SQS transport against the real ElasticMQ (127.0.0.1:9324): the queues with their
// dead-letter queues, every method by request and reply, an event, error codes, and a poison
// event dead-lettered.
import { randomUUID } from "node:crypto";
import { DeleteQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, isKitError, KitError, withTimeout } from "@kit/endpoint";
import type { DecodeMessage } from "@kit/transport";
import type { SqsReplyQueue } from "@kit/transport-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, inventoryMethods, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventorySqsNames, sqsCreateQueues, sqsQueueUrls, sqsReplyQueue, sqsSubscribers, sqsTransport, type SqsOptions, type SqsQueueUrls } from "./fixtures/inventory/generated/inventory.sqs.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-${run}-${inventorySqsNames[m]}`]));
const client = new SQSClient({ endpoint: process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324", region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" }, maxAttempts: 1 });
const impl = new Inventory();
let queues: SqsQueueUrls;
let again: SqsQueueUrls;
let looked: SqsQueueUrls;
let replies: SqsReplyQueue;
let subscribers: { close(): Promise<void> };
let svc: InventoryService;

beforeAll(async () => {
  const options: SqsOptions = { names };
  queues = await sqsCreateQueues(client, options);
  again = await sqsCreateQueues(client, options);
  looked = await sqsQueueUrls(client, options);
  const subs = sqsSubscribers(client, queues, makeEndpoints(impl), { subscriber: { waitTimeSeconds: 1, maxAttempts: 1 } });
  await subs.ready;
  subscribers = subs;
  replies = await sqsReplyQueue(client, `kitgen-${run}`, { waitTimeSeconds: 1 });
  svc = inventoryClient(sqsTransport(client, queues, { replies }));
}, 60_000);

afterAll(async () => {
  await subscribers.close();
  await replies.close();
  const listed = await client.send(new ListQueuesCommand({}));
  const ours = (listed.QueueUrls ?? []).filter((url) => url.includes(`kitgen-${run}`));
  await Promise.all(ours.map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl }))));
  client.destroy();
}, 30_000);

function ctx() {
  return withTimeout(background(), 10_000)[0];
}

describe("generated SQS transport", () => {
  it("creates the queues idempotently and looks them up by name, a missing one as not_found", async () => {
    expect(again).toEqual(queues);
    expect(looked).toEqual(queues);
    expect(Object.keys(queues)).toEqual([...inventoryMethods]);
    await expect(sqsQueueUrls(client, { names: { getItem: `kitgen-${run}-missing` } })).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
  });

  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    expect(await svc.restock(ctx(), "ABC-001", 7)).toMatchObject({ sku: "ABC-001", status: "ok" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], "gift")).toEqual({ id: "order-1", total: 2 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", 42);
    await expect.poll(() => impl.sales, { timeout: 10_000 }).toContainEqual({ sku: "ABC-001", at: 42 });
  }, 30_000);

  it("keeps error codes, and answers a request that fails validation invalid_argument naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    await expect(svc.restock(ctx(), "ABC-001", 0)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "quantity: expected at least 1");
  }, 30_000);

  it("dead-letters an event that fails validation, naming the field", async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queues.recordSale, MessageBody: JSON.stringify({ sku: "ABC-001", at: "soon" }) }));
    const dead = queues.recordSale.replace(/[^/]*$/, `${names.recordSale!}-dead-letter`);
    await expect
      .poll(async () => {
        const out = await client.send(new ReceiveMessageCommand({ QueueUrl: dead, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
        return out.Messages?.[0]?.MessageAttributes?.["kit-error-message"]?.StringValue;
      }, { timeout: 15_000 })
      .toBe("at: expected a number");
  }, 20_000);
});

describe("generated SQS queues and subscribers with options of their own", () => {
  it("gives several queues the one dead-letter queue `deadLetters` names, and reads a body with the decoder in `decoders`", async () => {
    const own = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-${run}-own-${inventorySqsNames[m]}`]));
    const shared = `kitgen-${run}-own-dead-letter`;
    const ownQueues = await sqsCreateQueues(client, { names: own, deadLetters: { getItem: shared, recordSale: shared } });
    const dead = ownQueues.recordSale.replace(/[^/]*$/, shared);
    const target = async (queueUrl: string) => {
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["RedrivePolicy"] }));
      return (JSON.parse(out.Attributes?.RedrivePolicy ?? "{}") as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    };
    expect(await target(ownQueues.getItem)).toMatch(new RegExp(`:${shared}$`));
    expect(await target(ownQueues.recordSale)).toMatch(new RegExp(`:${shared}$`));
    expect(await target(ownQueues.restock)).toMatch(new RegExp(`:${own.restock!}-dead-letter$`));

    const inventory = new Inventory();
    // "ABC-001@17": a sale in a body of its own making; anything else is refused, and dead-lettered
    const decodeSale: DecodeMessage<{ sku: string; at: number }> = (_ctx, message) => {
      const [sku = "", at = ""] = new TextDecoder().decode(message.body).split("@");
      if (at === "") throw new KitError(Code.InvalidArgument, "a sale is sku@at");
      return { sku, at: Number(at) };
    };
    const subs = sqsSubscribers(client, ownQueues, makeEndpoints(inventory), { decoders: { recordSale: decodeSale }, subscriber: { waitTimeSeconds: 1, maxAttempts: 1 } });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: ownQueues.recordSale, MessageBody: "ABC-001@17" }));
      await client.send(new SendMessageCommand({ QueueUrl: ownQueues.recordSale, MessageBody: "soon" }));
      await expect.poll(() => inventory.sales, { timeout: 10_000 }).toEqual([{ sku: "ABC-001", at: 17 }]);
      await expect
        .poll(async () => {
          const out = await client.send(new ReceiveMessageCommand({ QueueUrl: dead, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
          return out.Messages?.[0]?.MessageAttributes?.["kit-error-message"]?.StringValue;
        }, { timeout: 15_000 })
        .toBe("a sale is sku@at");
    } finally {
      await subs.close();
    }
  }, 40_000);
});
