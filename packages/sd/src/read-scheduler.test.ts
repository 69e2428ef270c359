import { describe, expect, it } from "vitest";
import { readScheduler, type ReadSchedulerOptions } from "./read-scheduler.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A scheduler whose reads take `readMs`, counted, failing while `failing()` says so. */
function counted(readMs: number, failing: () => boolean = () => false, more: Partial<ReadSchedulerOptions> = {}) {
  const state = { reads: 0, running: 0, most: 0, errors: [] as unknown[] };
  const reads = readScheduler({
    read: async () => {
      state.reads++;
      state.running++;
      state.most = Math.max(state.most, state.running);
      await sleep(readMs);
      state.running--;
      if (failing()) throw new Error(`read ${String(state.reads)} failed`);
    },
    onError: (error) => state.errors.push(error),
    retryDelay: 20,
    ...more,
  });
  return { reads, state };
}

describe("readScheduler", () => {
  it("reads once per request when requests come one after another", async () => {
    const { reads, state } = counted(1);
    reads.request();
    await sleep(15);
    reads.request();
    await sleep(15);
    expect(state.reads).toBe(2);
    reads.stop();
  });

  it("runs one read at a time, and reads once more after requests made during a read", async () => {
    const { reads, state } = counted(20);
    reads.request();
    reads.request();
    reads.request();
    await sleep(5);
    reads.request();
    await sleep(80);
    expect(state.reads).toBe(2);
    expect(state.most).toBe(1);
    reads.stop();
  });

  it("reports a failed read to onError and reads again after retryDelay, once", async () => {
    let fail = true;
    const { reads, state } = counted(1, () => fail);
    reads.request();
    await sleep(5);
    expect(state.errors.map((e) => (e as Error).message)).toEqual(["read 1 failed"]);
    fail = false;
    await sleep(60);
    expect(state.reads).toBe(2);
    expect(state.errors).toHaveLength(1);
    reads.stop();
  });

  it("after stop: no read, no retry, no error reported", async () => {
    const { reads, state } = counted(10, () => true);
    reads.request();
    await sleep(15); // the first read failed: a retry waits
    reads.stop();
    reads.request();
    await sleep(50);
    expect(state.reads).toBe(1);
    expect(state.errors).toHaveLength(1);
  });

  it("does not read again, nor report, a read that was running when stopped", async () => {
    const { reads, state } = counted(20, () => true);
    reads.request();
    reads.request(); // would read once more
    await sleep(5);
    reads.stop();
    await sleep(60);
    expect(state.reads).toBe(1);
    expect(state.errors).toEqual([]);
  });

  it("refuses bad options, naming the field", () => {
    const read = (): Promise<void> => Promise.resolve();
    const onError = (): void => undefined;
    expect(() => readScheduler({ read, onError, retryDelay: -1 })).toThrow(new RangeError("readScheduler: retryDelay must be a number of milliseconds >= 0, got -1"));
    expect(() => readScheduler({ read, onError, retryDelay: Number.NaN })).toThrow(/retryDelay/);
    expect(() => readScheduler({ read: undefined as never, onError, retryDelay: 0 })).toThrow(new TypeError("readScheduler: read must be a function"));
    expect(() => readScheduler({ read, onError: null as never, retryDelay: 0 })).toThrow(new TypeError("readScheduler: onError must be a function"));
  });
});
