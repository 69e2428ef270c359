// Against the RabbitMQ at AMQP_URL: a subscriber whose queue or dead-letter exchange
// is missing says so through `ready` and its error handler, instead of retrying receives forever.
import { Code, isKitError, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import type { ChannelModel, ConfirmChannel } from "amqplib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deleteTopology, open, uniqueQueue, watch } from "../test/support.ts";
import { subscriber } from "./subscriber.ts";
import { assertTopology, type Topology } from "./topology.ts";

let connection: ChannelModel;

beforeAll(async () => {
  connection = await open();
});

afterAll(async () => {
  await connection.close();
});

async function confirmChannel(): Promise<ConfirmChannel> {
  const channel = watch(await connection.createConfirmChannel());
  channel.on("close", () => undefined);
  return channel;
}

/** What `ready` rejected with, or "ready". */
async function outcome(ready: Promise<void>): Promise<string> {
  return ready.then(
    () => "ready",
    (err: unknown) => (isKitError(err) ? `${err.code}: ${err.message}` : String(err)),
  );
}

const idle = (): Promise<undefined> => Promise.resolve(undefined);

describe("subscriber: ready", () => {
  it("rejects with not_found naming the missing queue, and tells the error handler once", async () => {
    const queue = uniqueQueue("missing");
    const errors: KitError[] = [];
    const sub = subscriber(await confirmChannel(), queue, idle, decodeJSONMessage(), encodeJSONMessage, {
      errorHandler: { handle: (_ctx, err) => void errors.push(err) },
    });
    try {
      expect(await outcome(sub.ready)).toMatch(new RegExp(`^not_found: .*queue "${queue.replaceAll(".", "\\.")}"`));
      await new Promise((resolve) => setTimeout(resolve, 500)); // no receive retries behind it
      expect(errors.map((err) => err.code)).toEqual([Code.NotFound]);
    } finally {
      await sub.close();
    }
  });

  it("rejects with not_found when the dead-letter exchange is missing", async () => {
    const made: Topology[] = [];
    const start = async (missing: "deadLetterExchange"): Promise<string> => {
      const setup = await confirmChannel();
      const names = await assertTopology(setup, uniqueQueue(`no-${missing}`));
      made.push(names);
      await setup.deleteExchange(names[missing]);
      await setup.close();
      const sub = subscriber(await confirmChannel(), names.queue, idle, decodeJSONMessage(), encodeJSONMessage, { errorHandler: { handle: () => undefined } });
      try {
        return await outcome(sub.ready);
      } finally {
        await sub.close();
      }
    };
    try {
      expect(await start("deadLetterExchange")).toMatch(/^not_found: .*exchange ".*\.dlx"/);
    } finally {
      for (const names of made) await deleteTopology(connection, names);
    }
  });

  it("resolves once it consumes from a declared topology", async () => {
    const setup = await confirmChannel();
    const names = await assertTopology(setup, uniqueQueue("ready"));
    await setup.close();
    const sub = subscriber(await confirmChannel(), names.queue, idle, decodeJSONMessage(), encodeJSONMessage);
    try {
      expect(await outcome(sub.ready)).toBe("ready");
    } finally {
      await sub.close();
      await deleteTopology(connection, names);
    }
  });

  it("writes the failure as a warning line on stderr when no error handler was given", async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const queue = uniqueQueue("missing-stderr");
    try {
      const sub = subscriber(await confirmChannel(), queue, idle, decodeJSONMessage(), encodeJSONMessage);
      await outcome(sub.ready);
      await sub.close();
    } finally {
      write.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^kit: not_found: .*\(no errorHandler was given; pass one to handle errors\)\n$/);
  });
});
