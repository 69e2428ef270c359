// close() and the acks of its last messages: `await sub.close(); await connection.close();`, as
// the README shows it, must leave nothing handled on the queue (issue 15: acks queued at the end
// of the drain were overtaken by the connection's close, and the messages came back).
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { connect } from "amqplib";
import { expect, it } from "vitest";
import { connect as kitConnect } from "../src/connection.ts";
import { subscriber } from "../src/subscriber.ts";
import { assertTopology } from "../src/topology.ts";
import { amqpUrl, deleteTopology, gate, open, ready, uniqueQueue, watch } from "./support.ts";

/** Where the subscriber runs: the user's own confirm channel, or a connection from Kit's connect(). */
type Mode = "own channel" | "connect()";

async function openTarget(mode: Mode): Promise<{ on: Parameters<typeof subscriber>[0]; close: () => Promise<void> }> {
  if (mode === "connect()") {
    const connection = await kitConnect(amqpUrl);
    return { on: connection, close: () => connection.close() };
  }
  const connection = await connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  channel.on("error", () => undefined);
  return { on: channel, close: () => connection.close() };
}

it.each<Mode>(["own channel", "connect()"])("close() on %s resolves only once the acks of what it handled reached the broker: 200 handled, 0 left on the queue", { timeout: 60_000 }, async (mode) => {
  const admin = await open();
  const queue = uniqueQueue("close-acks");
  const setup = watch(await admin.createConfirmChannel());
  const topology = await assertTopology(setup, queue);
  const total = 200;
  for (let id = 0; id < total; id++) setup.sendToQueue(queue, Buffer.from(JSON.stringify({ id })), { persistent: true });
  await setup.waitForConfirms();
  try {
    const target = await openTarget(mode);
    let started = 0;
    let handled = 0;
    const last = gate();
    const sub = subscriber(
      target.on,
      queue,
      async () => {
        started += 1;
        if (started > total - 16) await last.promise; // the last 16 are in flight when close() begins
        await new Promise((resolve) => setTimeout(resolve, 1));
        handled += 1;
      },
      decodeJSONMessage<{ id: number }>(),
      encodeJSONMessage,
      { concurrency: 16 },
    );
    await until("every message started", () => started === total, { timeout: 30_000 });
    const closing = sub.close();
    last.open(); // their acks are written at the end of the drain
    await closing;
    await target.close();
    expect(handled).toBe(total);
    expect(await ready(admin, queue)).toBe(0); // a fresh look at the queue: nothing came back
  } finally {
    await deleteTopology(admin, topology);
    await admin.close();
  }
});
