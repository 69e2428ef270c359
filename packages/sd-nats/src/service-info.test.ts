import { describe, expect, it } from "vitest";
import { parseServiceInfo } from "./service-info.ts";

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

describe("parseServiceInfo", () => {
  it("reads a micro INFO response", () => {
    const info = parseServiceInfo(
      encode({
        type: "io.nats.micro.v1.info_response",
        name: "addsvc",
        id: "NXJ1",
        version: "1.2.0",
        description: "adds",
        metadata: { http: "127.0.0.1:8081" },
        endpoints: [{ name: "sum", subject: "addsvc.sum", queue_group: "q" }],
      }),
    );
    expect(info).toEqual({
      name: "addsvc",
      id: "NXJ1",
      version: "1.2.0",
      description: "adds",
      metadata: { http: "127.0.0.1:8081" },
      endpoints: [{ name: "sum", subject: "addsvc.sum", queue_group: "q" }],
    });
  });

  it("refuses what is not an INFO response", () => {
    expect(parseServiceInfo(encode("not json"))).toBeUndefined();
    expect(parseServiceInfo(encode({ type: "io.nats.micro.v1.ping_response", name: "addsvc", id: "x" }))).toBeUndefined();
    expect(parseServiceInfo(encode({ type: "io.nats.micro.v1.info_response", name: "addsvc" }))).toBeUndefined();
    expect(parseServiceInfo(encode([1, 2]))).toBeUndefined();
  });

  it("tolerates missing optional fields", () => {
    expect(parseServiceInfo(encode({ type: "io.nats.micro.v1.info_response", name: "a", id: "b" }))).toEqual({
      name: "a",
      id: "b",
      version: "",
      endpoints: [],
    });
  });
});
