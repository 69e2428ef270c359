// NATS services (the micro protocol) against the real server (NATS_URL, default
// nats://127.0.0.1:4222): discovery by $SRV.PING/INFO/STATS, and Kit's runtime behind it.
import { background, Code, isKitError, KitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm, type Service } from "@nats-io/services";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, gate, sleep, unique } from "../test/support.ts";
import { publisher } from "./publisher.ts";
import { serviceEndpoint } from "./service-endpoint.ts";

interface Sum {
  readonly a: number;
  readonly b: number;
}

const sum: Endpoint<Sum, { v: number }> = async (_ctx, { a, b }) => {
  await Promise.resolve();
  if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
  return { v: a + b };
};

describe("serviceEndpoint", () => {
  let nc: NatsConnection;
  let name: string;
  let service: Service;

  beforeEach(async () => {
    nc = await connectNats();
    name = unique("kitsvc");
    service = await new Svcm(nc).add({ name, version: "1.2.3", description: "test service" });
  });

  afterEach(async () => {
    await service.stop().catch(() => undefined);
    await nc.close();
  });

  async function control(verb: "PING" | "INFO" | "STATS"): Promise<Record<string, unknown>> {
    const reply = await nc.request(`$SRV.${verb}.${name}`, undefined, { timeout: 5_000 });
    return reply.json();
  }

  it("serves the endpoint and answers $SRV.PING, $SRV.INFO and $SRV.STATS with it", async () => {
    const group = service.addGroup(name);
    const endpoint = serviceEndpoint(nc, { service: group, name: "sum", metadata: { kit: "yes" } }, sum, decodeJSONMessage<Sum>(), encodeJSONMessage);
    const client = publisher(nc, `${name}.sum`, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      await expect(client(ctx, { a: 1, b: 2 })).resolves.toEqual({ v: 3 });
      await expect(client(ctx, { a: 3, b: 4 })).resolves.toEqual({ v: 7 });
    } finally {
      cancel();
    }
    expect(await control("PING")).toMatchObject({ type: "io.nats.micro.v1.ping_response", name, version: "1.2.3" });
    const info = await control("INFO");
    expect(info).toMatchObject({ name, description: "test service", endpoints: [{ name: "sum", subject: `${name}.sum`, metadata: { kit: "yes" } }] });
    const stats = await control("STATS");
    expect(stats).toMatchObject({ type: "io.nats.micro.v1.stats_response", name, endpoints: [{ name: "sum", num_requests: 2 }] });
    await service.stop();
    await endpoint.close();
  });

  it("answers an error with Kit's headers and the micro protocol's", async () => {
    const endpoint = serviceEndpoint(nc, { service, name: "sum", subject: `${name}.sum` }, sum, decodeJSONMessage<Sum>(), encodeJSONMessage);
    const reply = await nc.request(`${name}.sum`, JSON.stringify({ a: 0, b: 0 }), { timeout: 5_000 });
    expect(reply.headers?.get("kit-error-code")).toBe("invalid_argument");
    expect(reply.headers?.get("kit-error-message")).toBe("can't sum two zeroes");
    expect(reply.headers?.get("Nats-Service-Error")).toBe("can't sum two zeroes");
    expect(reply.headers?.get("Nats-Service-Error-Code")).toBe("400");
    const client = publisher(nc, `${name}.sum`, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const err: unknown = await client(background(), { a: 0, b: 0 }).catch((e: unknown) => e);
    expect(isKitError(err) && err.code).toBe("invalid_argument");
    await service.stop();
    await endpoint.close();
  });

  it("finishes what is in flight on close, after the service stopped", async () => {
    let started = 0;
    let finished = 0;
    const release = gate();
    const slow: Endpoint<Sum, { v: number }> = async (ctx, req) => {
      started += 1;
      await release.promise;
      finished += 1;
      return sum(ctx, req);
    };
    const endpoint = serviceEndpoint(nc, { service, name: "sum", subject: `${name}.sum` }, slow, decodeJSONMessage<Sum>(), encodeJSONMessage);
    const calls = [1, 2, 3].map((a) => nc.request(`${name}.sum`, JSON.stringify({ a, b: 1 }), { timeout: 10_000 }));
    await until("3 requests in flight", () => started === 3, { timeout: 15_000 });
    await service.stop();
    const closing = endpoint.close();
    await sleep(100);
    expect(finished).toBe(0);
    release.open();
    await closing;
    expect(finished).toBe(3);
    const replies = await Promise.all(calls);
    expect(replies.map((r) => r.json())).toEqual([{ v: 2 }, { v: 3 }, { v: 4 }]);
  });
});
