import type { MessageProperties } from "amqplib";
import { describe, expect, it } from "vitest";
import { copyOptions, headersOf, publishOptions } from "./properties.ts";

function props(overrides: Partial<MessageProperties>): MessageProperties {
  return {
    contentType: undefined,
    contentEncoding: undefined,
    headers: undefined,
    deliveryMode: undefined,
    priority: undefined,
    correlationId: undefined,
    replyTo: undefined,
    expiration: undefined,
    messageId: undefined,
    timestamp: undefined,
    type: undefined,
    userId: undefined,
    appId: undefined,
    clusterId: undefined,
    ...overrides,
  };
}

describe("headersOf", () => {
  it("reads AMQP headers by lower-case name as text, with content_type as content-type", () => {
    const headers = headersOf(
      props({
        contentType: "application/json",
        headers: { "Kit-Timeout": "1500", count: 3, flag: true, raw: Buffer.from("bytes"), nested: { a: 1 } },
      }),
    );
    expect(Object.fromEntries(headers)).toEqual({
      "content-type": "application/json",
      "kit-timeout": "1500",
      count: "3",
      flag: "true",
      raw: "bytes",
    });
  });
});

describe("publishOptions", () => {
  it("puts content-type in the property and every other header in the table", () => {
    const options = publishOptions(new Map([["content-type", "application/json"], ["kit-timeout", "99"]]), { correlationId: "c-1" });
    expect(options).toEqual({ correlationId: "c-1", contentType: "application/json", headers: { "kit-timeout": "99" } });
  });

  it("sends no headers table when there are no headers", () => {
    expect(publishOptions(new Map([["content-type", "application/json"]]))).toEqual({ contentType: "application/json" });
  });
});

describe("copyOptions", () => {
  it("keeps the message's properties and own headers, drops the broker's and the expiration, and sets the extra ones", () => {
    const options = copyOptions(
      props({
        contentType: "application/json",
        correlationId: "c-1",
        replyTo: "amq.rabbitmq.reply-to.x",
        messageId: "m-1",
        deliveryMode: 2,
        expiration: "500",
        headers: { "x-trace": "t", "kit-attempts": "1", "x-death": [], "x-first-death-queue": "q", "x-delivery-count": 2 },
      }),
      new Map([["kit-attempts", "2"]]),
    );
    expect(options).toEqual({
      contentType: "application/json",
      correlationId: "c-1",
      replyTo: "amq.rabbitmq.reply-to.x",
      messageId: "m-1",
      deliveryMode: 2,
      headers: { "x-trace": "t", "kit-attempts": "2" },
    });
  });
});
