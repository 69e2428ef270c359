// The README's example, with its console output turned into assertions and its queue names made unique.
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { connect } from "amqplib";
import { describe, expect, it } from "vitest";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import { assertTopology } from "../src/topology.ts";
import { amqpUrl, deleteTopology, uniqueQueue } from "./support.ts";

describe("README example", () => {
  it("works as written", async () => {
    const logged: unknown[] = [];
    const console = { log: (value: unknown) => logged.push(value) };
    const queue = uniqueQueue("readme");

    const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => {
      await Promise.resolve();
      return { v: a + b };
    };
    const connection = await connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    const topology = await assertTopology(channel, queue);
    const sub = subscriber(channel, queue, sum, decodeJSONMessage<{ a: number; b: number }>(), encodeJSONMessage);
    const client = publisher(await connection.createChannel(), queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 1_000);
    console.log(await client(ctx, { a: 1, b: 2 })); // { v: 3 }
    cancel();
    await sub.close();
    await deleteTopology(connection, topology);
    await connection.close();

    expect(logged).toEqual([{ v: 3 }]);
  });
});
