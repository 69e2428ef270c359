import { describe, expect, it } from "vitest";
import { Code, KitError } from "@kit/endpoint";
import { ErrorWithReasonCode } from "mqtt";
import { fromMqttError, fromReasonCode, mqttReasonCodes } from "./errors.ts";

describe("MQTT errors", () => {
  it("codes every MQTT 5 reason code of failure the table lists, and nothing below 0x80", () => {
    expect([...mqttReasonCodes.keys()].every((reason) => reason >= 0x80)).toBe(true);
    expect(mqttReasonCodes.get(0x87)).toBe(Code.PermissionDenied);
    expect(mqttReasonCodes.get(0x86)).toBe(Code.Unauthenticated);
    expect(mqttReasonCodes.get(0x97)).toBe(Code.ResourceExhausted);
    expect(mqttReasonCodes.get(0x9e)).toBe(Code.Unimplemented);
  });

  it("maps mqtt.js errors: reason codes by the table, socket failures unavailable, the rest unknown", () => {
    expect(fromMqttError(new ErrorWithReasonCode("Publish error: Not authorized", 0x87), "publish to t")).toMatchObject({
      code: Code.PermissionDenied,
      message: "MQTT publish to t: Publish error: Not authorized",
    });
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(fromMqttError(refused, "connect").code).toBe(Code.Unavailable);
    expect(fromMqttError(new Error("client disconnecting"), "publish to t").code).toBe(Code.Unavailable);
    expect(fromMqttError(new Error("something odd"), "publish to t").code).toBe(Code.Unknown);
    expect(fromMqttError(new ErrorWithReasonCode("?", 0xfe), "x").code).toBe(Code.Unknown);
    const kit = new KitError(Code.Aborted, "as it is");
    expect(fromMqttError(kit, "x")).toBe(kit);
    expect(fromReasonCode(0x8f, "subscribe to a/#/b")).toMatchObject({ code: Code.InvalidArgument, message: "MQTT subscribe to a/#/b: reason code 0x8f" });
  });
});
