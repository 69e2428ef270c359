import { describe, expect, it } from "vitest";
import { topologyOf } from "./topology.ts";

describe("topologyOf", () => {
  it("names the retry queue, dead-letter exchange and dead-letter queue after the queue", () => {
    expect(topologyOf("orders")).toEqual({
      queue: "orders",
      retryQueue: "orders.retry",
      deadLetterExchange: "orders.dlx",
      deadLetterQueue: "orders.dead",
    });
  });

  it("takes the names it is given instead", () => {
    expect(topologyOf("orders", { deadLetterExchange: "dlx" })).toMatchObject({ deadLetterExchange: "dlx", retryQueue: "orders.retry" });
  });
});
