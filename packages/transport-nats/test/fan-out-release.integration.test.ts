// Fan-out (no queue group): every subscriber gets its own copy of each message, so one that
// closes with messages it has not handled must not publish them to the subject again, where the
// other subscribers would handle them a second time (issue 15).
import { type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { expect, it } from "vitest";
import { subscriber } from "../src/subscriber.ts";
import { connectNats, gate, sleep, unique } from "./support.ts";

it("a fan-out subscriber that closes with unhandled messages does not republish them: the other subscriber handles each once", { timeout: 30_000 }, async () => {
  const nc = await connectNats();
  const subject = unique("kit.fanout");
  const total = 20;
  const other = new Map<number, number>();
  const stuck = gate();
  const reported: KitError[] = [];
  const listener = subscriber(
    nc,
    subject,
    async (_ctx, { n }: { n: number }) => {
      other.set(n, (other.get(n) ?? 0) + 1);
      await Promise.resolve();
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
  );
  let started = 0;
  const closing = subscriber(
    nc,
    subject,
    async () => {
      started += 1;
      await stuck.promise; // holds its one slot: the other messages wait in its inbox
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { concurrency: 1, closeTimeout: 200, errorHandler: { handle: (_ctx, err) => void reported.push(err) } },
  );
  try {
    for (let n = 0; n < total; n++) nc.publish(subject, JSON.stringify({ n }));
    await nc.flush();
    await until("the other subscriber handled every message", () => other.size === total, { timeout: 15_000 });
    await until("the closing subscriber started one", () => started === 1, { timeout: 15_000 });
    await closing.close(); // its slot is released at closeTimeout, the rest never started
    stuck.open();
    await nc.flush();
    await sleep(300); // time for a republished copy to come round
    expect([...other.values()].filter((times) => times > 1)).toEqual([]);
    expect(other.size).toBe(total);
    expect(reported.length).toBeGreaterThan(0); // what it dropped is reported
  } finally {
    stuck.open();
    await listener.close();
    await closing.close();
    await nc.close();
  }
});
