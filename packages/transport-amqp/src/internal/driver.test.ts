import type { ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import { attemptOf } from "./driver.ts";

function delivery(headers: Record<string, unknown> | undefined, redelivered = false): ConsumeMessage {
  return {
    content: Buffer.alloc(0),
    fields: { deliveryTag: 1, redelivered, exchange: "", routingKey: "q", consumerTag: "c" },
    properties: { headers } as ConsumeMessage["properties"],
  };
}

describe("attemptOf", () => {
  it("is 1 for a first delivery", () => {
    expect(attemptOf(delivery(undefined))).toBe(1);
  });

  it("reads the attempt a retry carries in kit-attempts", () => {
    expect(attemptOf(delivery({ "kit-attempts": "3" }))).toBe(3);
    expect(attemptOf(delivery({ "kit-attempts": 4 }))).toBe(4);
  });

  it("counts a classic queue's redelivery as one more attempt", () => {
    expect(attemptOf(delivery(undefined, true))).toBe(2);
    expect(attemptOf(delivery({ "kit-attempts": "3" }, true))).toBe(4);
  });

  it("adds a quorum queue's x-delivery-count", () => {
    expect(attemptOf(delivery({ "kit-attempts": "2", "x-delivery-count": 3 }, true))).toBe(5);
  });

  it("ignores a malformed kit-attempts", () => {
    expect(attemptOf(delivery({ "kit-attempts": "lots" }))).toBe(1);
    expect(attemptOf(delivery({ "kit-attempts": "-2" }))).toBe(1);
    expect(attemptOf(delivery({ "kit-attempts": 0 }))).toBe(1);
  });
});
