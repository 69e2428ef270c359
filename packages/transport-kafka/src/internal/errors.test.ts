import { Code } from "@kit/endpoint";
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { fromKafkaError, kafkaErrorCode } from "./errors.ts";

/** A protocol error as kafkajs makes it from the broker's error code. */
function protocol(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError({ message: `${type} happened`, type, code: 0, retriable } as unknown as Error);
}

describe("kafkaErrorCode", () => {
  it("reads a protocol error by its type: a missing topic not_found, authorization permission_denied, an oversize record invalid_argument", () => {
    expect(kafkaErrorCode(protocol("UNKNOWN_TOPIC_OR_PARTITION", true))).toBe(Code.NotFound);
    expect(kafkaErrorCode(protocol("TOPIC_AUTHORIZATION_FAILED", false))).toBe(Code.PermissionDenied);
    expect(kafkaErrorCode(protocol("GROUP_AUTHORIZATION_FAILED", false))).toBe(Code.PermissionDenied);
    expect(kafkaErrorCode(protocol("SASL_AUTHENTICATION_FAILED", false))).toBe(Code.Unauthenticated);
    expect(kafkaErrorCode(protocol("MESSAGE_TOO_LARGE", false))).toBe(Code.InvalidArgument);
    expect(kafkaErrorCode(protocol("THROTTLING_QUOTA_EXCEEDED", true))).toBe(Code.ResourceExhausted);
    expect(kafkaErrorCode(protocol("REBALANCE_IN_PROGRESS", false))).toBe(Code.Aborted);
  });

  it("calls the broker being away or busy unavailable: connections, request timeouts, retriable protocol errors", () => {
    expect(kafkaErrorCode(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092"))).toBe(Code.Unavailable);
    expect(kafkaErrorCode(new KafkaJSRequestTimeoutError("Request Metadata(key: 3, version: 6) timed out"))).toBe(Code.Unavailable);
    expect(kafkaErrorCode(protocol("NOT_LEADER_OR_FOLLOWER", true))).toBe(Code.Unavailable);
    expect(kafkaErrorCode(protocol("LEADER_NOT_AVAILABLE", true))).toBe(Code.Unavailable);
  });

  it("looks through the error a retried call ends with to its cause", () => {
    expect(kafkaErrorCode(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("refused"), { retryCount: 5, retryTime: 100 }))).toBe(Code.Unavailable);
    expect(kafkaErrorCode(new KafkaJSNumberOfRetriesExceeded(protocol("UNKNOWN_TOPIC_OR_PARTITION", true), { retryCount: 5, retryTime: 100 }))).toBe(Code.NotFound);
  });

  it("names kafkajs's own errors, and leaves what is not kafkajs's unknown", () => {
    expect(kafkaErrorCode(Object.assign(new Error("bad password"), { name: "KafkaJSSASLAuthenticationError" }))).toBe(Code.Unauthenticated);
    expect(kafkaErrorCode(new Error("a bug"))).toBe(Code.Unknown);
    expect(kafkaErrorCode("a string")).toBe(Code.Unknown);
    expect(fromKafkaError(protocol("UNKNOWN_TOPIC_OR_PARTITION", true), "produce to topic t")).toMatchObject({
      code: Code.NotFound,
      message: "Kafka produce to topic t: UNKNOWN_TOPIC_OR_PARTITION happened",
    });
  });
});
