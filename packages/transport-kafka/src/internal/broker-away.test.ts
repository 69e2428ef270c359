import { KitError, Code } from "@kit/endpoint";
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from "kafkajs";
import { describe, expect, it } from "vitest";
import { brokerAway } from "./broker-away.ts";

/** A protocol error as kafkajs makes it from the broker's error code. */
function protocol(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError({ message: `${type} happened`, type, code: 0, retriable } as unknown as Error);
}

/** What a send that used up kafkajs's retries throws: the last error, wrapped twice. */
function exhausted(last: Error): Error {
  const retries = new KafkaJSNumberOfRetriesExceeded(last, { retryCount: 5, retryTime: 100 });
  // kafkajs's types leave out the cause its constructor takes
  return Object.assign(new KafkaJSNonRetriableError(retries), { cause: last });
}

describe("brokerAway", () => {
  it("is true for a broker that does not answer: refused or lost connections, request timeouts, no broker, no leader", () => {
    expect(brokerAway(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092"))).toBe(true);
    expect(brokerAway(new KafkaJSRequestTimeoutError("Request Produce(key: 0, version: 7) timed out"))).toBe(true);
    expect(brokerAway(Object.assign(new KafkaJSError("Broker 1 not found in the cached metadata"), { name: "KafkaJSBrokerNotFound" }))).toBe(true);
    expect(brokerAway(protocol("LEADER_NOT_AVAILABLE", true))).toBe(true);
    expect(brokerAway(protocol("NOT_LEADER_OR_FOLLOWER", true))).toBe(true);
  });

  it("looks through the errors kafkajs wraps the last failure of its retries in", () => {
    expect(brokerAway(exhausted(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092")))).toBe(true);
    expect(brokerAway(exhausted(protocol("MESSAGE_TOO_LARGE", false)))).toBe(false);
  });

  it("is false for what waiting cannot mend: a missing topic, a refused record, a producer that is not connected, anything not kafkajs's", () => {
    expect(brokerAway(protocol("UNKNOWN_TOPIC_OR_PARTITION", true))).toBe(false);
    expect(brokerAway(protocol("TOPIC_AUTHORIZATION_FAILED", false))).toBe(false);
    expect(brokerAway(protocol("MESSAGE_TOO_LARGE", false))).toBe(false);
    expect(brokerAway(new KafkaJSError("The producer is disconnected"))).toBe(false);
    expect(brokerAway(new KitError(Code.DeadlineExceeded, "context deadline exceeded"))).toBe(false);
    expect(brokerAway(new Error("a bug"))).toBe(false);
    expect(brokerAway(undefined)).toBe(false);
  });

  it("ends on an error that is its own cause", () => {
    const loop = new KafkaJSError("loop");
    Object.assign(loop, { cause: loop });
    expect(brokerAway(loop)).toBe(false);
  });
});
