import { background, type KitError } from "@kit/endpoint";
import type { Batch, EachBatchPayload, KafkaMessage, Producer } from "kafkajs";
import { describe, expect, it, vi } from "vitest";
import type { Delivery } from "./delivery.ts";
import { KafkaDriver } from "./driver.ts";

function batch(partition: number, offsets: readonly string[], keyOf: (offset: string) => string = () => `k${partition}`): Batch {
  const messages: KafkaMessage[] = offsets.map((offset) => ({ offset, key: Buffer.from(keyOf(offset)), value: Buffer.from(`v${offset}`), timestamp: "0", attributes: 0, headers: { "Kit-Reply-Topic": "replies" } }));
  return { topic: "t", partition, messages } as unknown as Batch;
}

function payload(b: Batch) {
  const resolved: string[] = [];
  const commits: string[] = [];
  const heartbeat = vi.fn(() => Promise.resolve());
  const value = {
    batch: b,
    resolveOffset: (offset: string) => void resolved.push(offset),
    heartbeat,
    commitOffsetsIfNecessary: async (offsets?: { topics: { partitions: { offset: string }[] }[] }) => {
      await Promise.resolve();
      commits.push(offsets?.topics[0]?.partitions[0]?.offset ?? "none");
    },
    isRunning: () => true,
    isStale: () => false,
    pause: () => () => undefined,
  } as unknown as EachBatchPayload;
  return { value, resolved, commits, heartbeat };
}

function driver(errors: KitError[] = [], more: { keyConcurrency?: number; fetchAhead?: boolean } = {}): KafkaDriver {
  return new KafkaDriver({
    producer: () => Promise.reject<Producer>(new Error("no producer in this test")),
    deadLetterTopic: "t.dead-letter",
    commitInterval: 1_000,
    keyConcurrency: 1,
    revokeTimeout: 1_000,
    replyAllowed: () => true,
    observe: (_ctx, err) => void errors.push(err),
    background: background(),
    ...more,
  });
}

/** A key of its own for every record. */
const ownKey = (offset: string): string => `key-${offset}`;

describe("KafkaDriver", () => {
  it("hands out the head of every partition, the next of a partition only after the last finished, and commits past them", async () => {
    const d = driver();
    const p0 = payload(batch(0, ["0", "1"]));
    const p1 = payload(batch(1, ["7"]));
    const run0 = d.eachBatch(p0.value);
    const run1 = d.eachBatch(p1.value);
    const signal = new AbortController().signal;
    const first = await d.receive(10, signal);
    expect(first.map((m) => `${m.partition}/${m.offset}`)).toEqual(["0/0", "1/7"]);
    expect(first[0]?.reply).toBe("replies"); // header names are read in lower case
    expect(Buffer.from(first[0]?.body ?? []).toString()).toBe("v0");
    const next = d.receive(10, signal);
    for (const m of first) d.ack(m);
    const second = await next;
    expect(second.map((m) => `${m.partition}/${m.offset}`)).toEqual(["0/1"]);
    await run1;
    expect(p1.commits).toEqual(["8"]);
    for (const m of second) d.ack(m);
    await run0;
    expect(p0.resolved.at(-1)).toBe("1");
    expect(p0.commits.at(-1)).toBe("2");
  });

  it("gives no more than it is asked for", async () => {
    const d = driver();
    const runs = [0, 1, 2].map((p) => d.eachBatch(payload(batch(p, ["0"])).value));
    const signal = new AbortController().signal;
    const got = await d.receive(2, signal);
    expect(got).toHaveLength(2);
    const rest = await d.receive(2, signal);
    expect(rest).toHaveLength(1);
    for (const m of [...got, ...rest]) d.ack(m);
    await Promise.all(runs);
  });

  it("hands a waiting receive the next record of every partition whose record settled meanwhile", async () => {
    const d = driver();
    const runs = [0, 1, 2].map((p) => d.eachBatch(payload(batch(p, ["0", "1"])).value));
    const signal = new AbortController().signal;
    const first = await d.receive(10, signal);
    expect(first).toHaveLength(3);
    const next = d.receive(10, signal);
    for (const m of first) d.ack(m);
    const second = await next;
    expect(second.map((m) => `${m.partition}/${m.offset}`)).toEqual(["0/1", "1/1", "2/1"]);
    for (const m of second) d.ack(m);
    await Promise.all(runs);
  });

  it("takes turns between partitions when there is room for one record at a time", async () => {
    const d = driver();
    const runs = [0, 1].map((p) => d.eachBatch(payload(batch(p, ["0", "1"])).value));
    const signal = new AbortController().signal;
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [m] = await d.receive(1, signal);
      if (m === undefined) throw new Error("no record");
      order.push(`${m.partition}/${m.offset}`);
      d.ack(m);
    }
    expect(order).toEqual(["0/0", "1/0", "0/1", "1/1"]);
    await Promise.all(runs);
  });

  it("on close, lets the running record finish, commits only what finished and returns", async () => {
    const d = driver();
    const p = payload(batch(0, ["0", "1", "2"]));
    const run = d.eachBatch(p.value);
    const [m] = await d.receive(10, new AbortController().signal);
    if (m === undefined) throw new Error("no record");
    d.close();
    let returned = false;
    void run.then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(returned).toBe(false); // it waits for the running record
    d.ack(m);
    await run;
    expect(p.commits).toEqual(["1"]);
    expect(await d.receive(10, AbortSignal.abort())).toEqual([]);
  });

  it("resolves a waiting receive with nothing when the subscriber closes", async () => {
    const d = driver();
    const stop = new AbortController();
    const waiting = d.receive(4, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toEqual([]);
  });

  it("on a rebalance, stops every partition, finishes what runs, commits, then rethrows so kafkajs joins again", async () => {
    const d = driver();
    const p = payload(batch(0, ["0", "1"]));
    const rebalance = Object.assign(new Error("The group is rebalancing"), { type: "REBALANCE_IN_PROGRESS" });
    p.heartbeat.mockRejectedValue(rebalance);
    const run = d.eachBatch(p.value);
    const [m] = await d.receive(10, new AbortController().signal);
    if (m === undefined) throw new Error("no record");
    await new Promise((resolve) => setTimeout(resolve, 20));
    d.ack(m);
    await expect(run).rejects.toBe(rebalance);
    expect(p.commits).toEqual(["1"]);
    d.joined();
    const again = payload(batch(0, ["1"]));
    const rerun = d.eachBatch(again.value);
    const [n] = await d.receive(10, new AbortController().signal);
    expect(n?.offset).toBe("1");
    if (n !== undefined) d.ack(n);
    await rerun;
  });

  it("without fetchAhead, holds a batch until its records all finished, so kafkajs fetches no more meanwhile", async () => {
    const d = driver([], { keyConcurrency: 4 });
    const p = payload(batch(0, ["0"], ownKey));
    const run = d.eachBatch(p.value);
    const [m] = await d.receive(10, new AbortController().signal);
    let returned = false;
    void run.then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(returned).toBe(false);
    if (m !== undefined) d.ack(m);
    await run;
    expect(p.commits).toEqual(["1"]);
  });

  it("with fetchAhead, returns a batch once its records are handed out, runs the next batch's beside them, and commits past what all finished", async () => {
    const d = driver([], { keyConcurrency: 4, fetchAhead: true });
    const signal = new AbortController().signal;
    const held: Delivery[] = [];
    for (const offset of ["0", "1", "2"]) {
      const p = payload(batch(0, [offset], ownKey));
      const run = d.eachBatch(p.value);
      held.push(...(await d.receive(10, signal)));
      await run; // returned while its record runs: kafkajs may fetch the next
      expect(p.resolved).toEqual([offset]);
    }
    expect(held.map((m) => m.offset)).toEqual(["0", "1", "2"]); // three in flight, one batch each
    const last = payload(batch(0, ["3"], ownKey));
    const full = d.eachBatch(last.value);
    const [fourth] = await d.receive(10, signal);
    await full;
    const [m0, m1, m2] = held;
    if (m0 === undefined || m1 === undefined || m2 === undefined || fourth === undefined) throw new Error("no record");
    d.ack(m1);
    d.ack(m2);
    await d.flush();
    expect(last.commits).toEqual([]); // 0 still runs: nothing may be committed
    d.ack(m0);
    d.ack(fourth);
    await d.flush();
    expect(last.commits).toEqual(["4"]); // through the latest batch's payload
  });

  it("with fetchAhead, keeps one key's records in order across batches", async () => {
    const d = driver([], { keyConcurrency: 4, fetchAhead: true });
    const signal = new AbortController().signal;
    const first = payload(batch(0, ["0"]));
    const run = d.eachBatch(first.value);
    const [a] = await d.receive(10, signal);
    await run;
    const second = payload(batch(0, ["1"])); // the same key
    const blocked = d.eachBatch(second.value);
    let returned = false;
    void blocked.then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(returned).toBe(false); // its record waits for the key's first, so the batch holds
    const next = d.receive(10, signal);
    if (a !== undefined) d.ack(a);
    const [b] = await next;
    expect(b?.offset).toBe("1");
    await blocked;
    if (b !== undefined) d.ack(b);
    await d.flush();
    expect(second.commits.at(-1)).toBe("2");
  });

  it("with fetchAhead, gives up a partition that moved at a rebalance: its running record finishes uncommitted, and the partition's next records wait for it", async () => {
    const d = driver([], { keyConcurrency: 4, fetchAhead: true });
    const signal = new AbortController().signal;
    const before = payload(batch(0, ["0"], ownKey));
    const run = d.eachBatch(before.value);
    const [old] = await d.receive(10, signal);
    await run;
    d.rebalanceStarted();
    d.joined({ t: [1] }); // partition 0 went to another member
    d.joined({ t: [0, 1] }); // and came back
    const after = payload(batch(0, ["0", "1"], ownKey));
    const rerun = d.eachBatch(after.value);
    const waiting = d.receive(10, signal);
    let got: readonly Delivery[] | undefined;
    void waiting.then((r) => (got = r));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(got).toBeUndefined(); // record 0 of the old generation still runs
    if (old !== undefined) d.ack(old);
    expect((await waiting).map((m) => m.offset)).toEqual(["0", "1"]); // handed out again: its commit was not made
    expect(before.commits).toEqual([]);
    await rerun;
  });

  it("holds a record fetched again after a rebalance once, when its partition stayed", async () => {
    const d = driver([], { keyConcurrency: 4, fetchAhead: true });
    const signal = new AbortController().signal;
    const run = d.eachBatch(payload(batch(0, ["0", "1"], ownKey)).value);
    const first = await d.receive(10, signal);
    await run;
    d.rebalanceStarted();
    d.joined({ t: [0] });
    const again = payload(batch(0, ["0", "1", "2"], ownKey));
    const rerun = d.eachBatch(again.value);
    const [third] = await d.receive(10, signal);
    expect(third?.offset).toBe("2");
    await rerun;
    for (const m of [...first, third]) if (m !== undefined) d.ack(m);
    await d.flush();
    expect(again.commits).toEqual(["3"]);
  });
});
