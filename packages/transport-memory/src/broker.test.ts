import { describe, expect, it } from "vitest";
import { MemoryBroker } from "./broker.ts";

describe("MemoryBroker", () => {
  it("keeps published messages until a subscriber takes them, and counts them", () => {
    const broker = new MemoryBroker();
    broker.publish("orders", "one");
    broker.publish("orders", new Uint8Array([1, 2]), { "x-id": "2" });
    expect(broker.stats("orders")).toMatchObject({ published: 2, pending: 2, inFlight: 0, delivered: 0 });
    expect(broker.stats("other")).toMatchObject({ published: 0, pending: 0 });
  });

  it("is idle at once when a queue is empty", async () => {
    const broker = new MemoryBroker();
    await expect(broker.idle("orders")).resolves.toBeUndefined();
    expect(broker.deadLetters("orders")).toEqual([]);
  });

  it("keeps queues of different brokers apart", () => {
    const a = new MemoryBroker();
    const b = new MemoryBroker();
    a.publish("orders", "x");
    expect(b.stats("orders").published).toBe(0);
  });
});
