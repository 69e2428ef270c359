// The generated in-memory transport: a subscriber per method, a client that implements the
// interface over publishers, events without replies, bad messages dead-lettered.
import { background, Code, isKitError, KitError, withTimeout, type Context } from "@kit/endpoint";
import { decodeJSONMessage, type DecodeMessage, type Message, type OutgoingMessage } from "@kit/transport";
import { MemoryBroker, publisher } from "@kit/transport-memory";
import { afterAll, describe, expect, it } from "vitest";
import { inventoryClient, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventoryMemoryNames, memorySubscribers, memoryTransport } from "./fixtures/inventory/generated/inventory.memory.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";

const broker = new MemoryBroker();
const impl = new Inventory();
const subscribers = memorySubscribers(broker, makeEndpoints(impl), {
  names: { categories: "custom.categories" },
  subscriber: { backoff: () => 1, maxAttempts: 2 },
});
const svc = inventoryClient(memoryTransport(broker, { names: { categories: "custom.categories" } }));
afterAll(async () => {
  await subscribers.close();
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

describe("generated memory transport", () => {
  it("serves every method on <service>.<kebab-method>, with names overridable", async () => {
    await subscribers.ready;
    expect(inventoryMemoryNames).toMatchObject({ getItem: "inventory.get-item", placeOrder: "inventory.place-order" });
    expect(await svc.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 4 }], null)).toEqual({ id: "order-1", total: 4 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    expect(broker.stats("custom.categories").acked).toBe(1);
  });

  it("puts a prefix in place of the service's part of every name names does not give", async () => {
    const prefixed = memorySubscribers(broker, makeEndpoints(impl), { prefix: "shop", names: { categories: "custom.prefixed" } });
    try {
      await prefixed.ready;
      const shop = inventoryClient(memoryTransport(broker, { prefix: "shop", names: { categories: "custom.prefixed" } }));
      expect(await shop.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001" });
      expect(await shop.categories(ctx())).toMatchObject({ name: "all" });
      expect([broker.stats("shop.get-item").acked, broker.stats("custom.prefixed").acked]).toEqual([1, 1]);
    } finally {
      await prefixed.close();
    }
  });

  it("sends a Promise<void> method as an event with no reply", async () => {
    await svc.recordSale(ctx(), "ABC-001", 42);
    await broker.idle("inventory.record-sale");
    expect(impl.sales).toContainEqual({ sku: "ABC-001", at: 42 });
  });

  it("keeps error codes, and dead-letters a message that fails validation naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    broker.publish("inventory.record-sale", JSON.stringify({ sku: "ABC-001", at: 1.5 }));
    await broker.idle("inventory.record-sale");
    const dead = broker.deadLetters("inventory.record-sale");
    expect(dead).toHaveLength(1);
    expect(dead[0]?.headers.get("kit-error-code")).toBe("invalid_argument");
    expect(dead[0]?.headers.get("kit-error-message")).toBe("at: expected an integer");
  });

  it("asks a function for each method's subscriber and publisher options, given the method and its queue", async () => {
    const asked: string[] = [];
    const local = new MemoryBroker();
    const subs = memorySubscribers(local, makeEndpoints(new Inventory()), {
      subscriber: (method, queue) => {
        asked.push(`subscriber ${method} ${queue}`);
        const stamp = (hookCtx: Context, reply: OutgoingMessage): Context => {
          reply.headers.set("x-queue", queue);
          return hookCtx;
        };
        return { after: [stamp] };
      },
    });
    await subs.ready;
    const seen: string[] = [];
    const svc = inventoryClient(
      memoryTransport(local, {
        names: { getItem: "inventory.get-item" },
        publisher: (method, queue) => {
          asked.push(`publisher ${method} ${queue}`);
          const read = (hookCtx: Context, reply: Message): Context => {
            seen.push(reply.headers.get("x-queue") ?? "");
            return hookCtx;
          };
          return { after: [read] };
        },
      }),
    );
    expect(await svc.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001" });
    expect(seen).toEqual(["inventory.get-item"]);
    expect(asked).toContain("subscriber placeOrder inventory.place-order");
    expect(asked).toContain("publisher getItem inventory.get-item");
    await subs.close();
  });

  it("reads a method's requests with its own decoder from the decoders option, the others with the generated one", async () => {
    const local = new MemoryBroker();
    const subs = memorySubscribers(local, makeEndpoints(new Inventory()), {
      decoders: {
        restock: (_ctx, message) => {
          const [sku = "", quantity] = new TextDecoder().decode(message.body).split(" x ");
          return { sku, quantity: Number(quantity) };
        },
      },
    });
    await subs.ready;
    const raw = publisher<string, unknown>(
      local,
      "inventory.restock",
      (_ctx, body, message) => {
        message.body = new TextEncoder().encode(body);
      },
      decodeJSONMessage(),
    );
    expect(await raw(ctx(), "ABC-001 x 4")).toEqual({ sku: "ABC-001", quantity: 7, status: "ok" });
    expect(await inventoryClient(memoryTransport(local)).getItem(ctx(), "ABC-001")).toMatchObject({ quantity: 7 });
    await subs.close();
  });

  it("hands the endpoint what the decoder in `decoders` reads, and dead-letters what it refuses with its error", async () => {
    const local = new MemoryBroker();
    const inventory = new Inventory();
    // "ABC-001@17": a sale in a body of its own making, which the validator would refuse as JSON
    const decodeSale: DecodeMessage<{ sku: string; at: number }> = (_ctx, message) => {
      const [sku = "", at = ""] = new TextDecoder().decode(message.body).split("@");
      if (at === "") throw new KitError(Code.InvalidArgument, "a sale is sku@at");
      return { sku, at: Number(at) };
    };
    const subs = memorySubscribers(local, makeEndpoints(inventory), { decoders: { recordSale: decodeSale }, subscriber: { maxAttempts: 1 } });
    local.publish("inventory.record-sale", "ABC-001@17");
    local.publish("inventory.record-sale", JSON.stringify({ sku: "ABC-001", at: 18 }));
    await local.idle("inventory.record-sale");
    expect(inventory.sales).toEqual([{ sku: "ABC-001", at: 17 }]);
    expect(local.deadLetters("inventory.record-sale").map((m) => m.headers.get("kit-error-message"))).toEqual(["a sale is sku@at"]);
    await subs.close();
  });
});
