// The README's example, against the real server (NATS_URL, default nats://127.0.0.1:4222), with
// its console output turned into assertions and a subject of its own.
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import { natsUrl, unique } from "./support.ts";

describe("README example", () => {
  it("works as written", async () => {
    const logged: unknown[] = [];
    const console = { log: (value: unknown) => logged.push(value) };
    const subject = unique("svc.sum");

    const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => {
      await Promise.resolve();
      return { v: a + b };
    };
    const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1 }); // never give up: see Reconnection
    const sub = subscriber(nc, subject, sum, decodeJSONMessage<{ a: number; b: number }>(), encodeJSONMessage, { queue: "svc" });
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 1_000);
    console.log(await client(ctx, { a: 1, b: 2 })); // { v: 3 }
    cancel();
    await sub.close();
    await nc.close();

    expect(logged).toEqual([{ v: 3 }]);
  });
});
