import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { PartitionWork } from "./partition.ts";

const records = (offsets: readonly string[], keys: readonly (string | null)[] = []): KafkaMessage[] =>
  offsets.map((offset, i): KafkaMessage => {
    const key = keys[i] ?? null;
    return { offset, key: key === null ? null : Buffer.from(key), value: Buffer.from(offset), timestamp: "0", attributes: 0, headers: {} };
  });

describe("PartitionWork", () => {
  it("hands out one record at a time, in offset order", () => {
    const work = new PartitionWork("t", 0, records(["10", "11", "12"]));
    const first = work.take();
    expect(first?.message.offset).toBe("10");
    expect(work.take()).toBeUndefined(); // the next waits for the first
    if (first === undefined) throw new Error("no record");
    work.finish(first);
    expect(work.take()?.message.offset).toBe("11");
  });

  it("commits only the offset after the finished prefix", () => {
    const work = new PartitionWork("t", 0, records(["10", "11"]));
    expect(work.commitOffset()).toBeUndefined();
    const first = work.take();
    if (first === undefined) throw new Error("no record");
    work.finish(first);
    expect(work.commitOffset()).toBe("11");
    expect(work.lastDoneOffset()).toBe("10");
    const second = work.take();
    if (second === undefined) throw new Error("no record");
    work.finish(second);
    expect(work.commitOffset()).toBe("12");
    expect(work.finished).toBe(true);
  });

  it("hands a record given back out again, one attempt higher, before the ones after it", () => {
    const work = new PartitionWork("t", 0, records(["5", "6"]));
    const first = work.take();
    if (first === undefined) throw new Error("no record");
    work.giveBack(first);
    const again = work.take();
    expect(again?.message.offset).toBe("5");
    expect(again?.attempt).toBe(2);
    expect(work.commitOffset()).toBeUndefined();
  });

  it("hands out nothing once stopped", () => {
    const work = new PartitionWork("t", 0, records(["1"]));
    work.stopped = true;
    expect(work.take()).toBeUndefined();
  });

  it("wakes a waiter on a change, including one that came before it waited", async () => {
    const work = new PartitionWork("t", 0, records(["1"]));
    work.changed();
    const started = Date.now();
    await work.changes(5_000);
    const waiting = work.changes(5_000);
    work.changed();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("with keyConcurrency, runs records of different keys side by side but one key's in order", () => {
    const work = new PartitionWork("t", 0, records(["0", "1", "2", "3", "4"], ["a", "a", "b", null, null]), { keyConcurrency: 3 });
    const a0 = work.take();
    const b2 = work.take();
    const n3 = work.take();
    expect([a0, b2, n3].map((e) => e?.message.offset)).toEqual(["0", "2", "3"]);
    expect(work.take()).toBeUndefined(); // at the limit of 3
    if (b2 === undefined || a0 === undefined || n3 === undefined) throw new Error("no record");
    work.finish(b2);
    expect(work.take()).toBeUndefined(); // a@1 waits for a@0, the keyless 4 for the keyless 3
    expect(work.commitOffset()).toBeUndefined(); // 0 is not finished, so nothing may be committed
    work.finish(a0);
    expect(work.take()?.message.offset).toBe("1");
    expect(work.commitOffset()).toBe("1");
    work.finish(n3);
    expect(work.take()?.message.offset).toBe("4");
  });

  it("appends the next batch after the finished prefix, leaving out records it holds already", () => {
    const work = new PartitionWork("t", 0, records(["0", "1"]));
    const first = work.take();
    if (first === undefined) throw new Error("no record");
    work.finish(first);
    expect(work.append(records(["1", "2"]))).toBe(1); // 1 is held (queued) already
    const second = work.take();
    expect(second?.message.offset).toBe("1");
    if (second === undefined) throw new Error("no record");
    work.finish(second);
    expect(work.commitOffset()).toBe("2");
    expect(work.append(records(["3"]))).toBe(1); // drops 0 and 1, which finished
    expect(work.take()?.message.offset).toBe("2");
    work.finish(first); // a stale delivery from before the drop changes nothing
    expect(work.commitOffset()).toBe("2");
    expect(work.queued).toBe(1);
  });

  it("holds a batch of records fetched again from their start only from the first it does not hold yet", () => {
    const work = new PartitionWork("t", 0, records(["4", "5"]));
    expect(work.append(records(["3", "4", "5", "6", "7"]))).toBe(2);
    const offsets: string[] = [];
    for (let next = work.take(); next !== undefined; next = work.take()) {
      offsets.push(next.message.offset);
      work.finish(next);
    }
    expect(offsets).toEqual(["4", "5", "6", "7"]);
  });

  it("holds a batch too large to pass as arguments", () => {
    const offsets = Array.from({ length: 200_000 }, (_, i) => String(i));
    const work = new PartitionWork("t", 0, records(offsets));
    expect(work.queued).toBe(200_000);
  });
});
