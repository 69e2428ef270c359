// The README's example, with its console output turned into assertions.
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { MemoryBroker } from "../src/broker.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";

describe("README example", () => {
  it("works as written", async () => {
    const logged: unknown[] = [];
    const console = { log: (value: unknown) => logged.push(value) };

    const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => {
      await Promise.resolve();
      return { v: a + b };
    };
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "sum", sum, decodeJSONMessage<{ a: number; b: number }>(), encodeJSONMessage);
    const client = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 1_000);
    console.log(await client(ctx, { a: 1, b: 2 })); // { v: 3 }
    cancel();
    broker.publish("sum", "not json"); // a poison message
    await broker.idle("sum");
    console.log(broker.deadLetters("sum")[0]?.headers.get("kit-error-code")); // invalid_argument
    await sub.close();

    expect(logged).toEqual([{ v: 3 }, "invalid_argument"]);
  });
});
