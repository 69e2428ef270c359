// A FlushLoop on real timers: it flushes on its interval, on demand and once more on stop, one
// flush at a time; a failed flush goes to onError; its timer does not keep a process alive.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FlushLoop, type FlushLoopOptions } from "./flush-loop.ts";

const loops: FlushLoop[] = [];

afterEach(async () => {
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
});

/** A loop whose flushes are counted and whose errors are collected. */
function counted(more: Partial<FlushLoopOptions> = {}): { loop: FlushLoop; flushes: () => number; errors: Error[] } {
  let flushes = 0;
  const errors: Error[] = [];
  const loop = new FlushLoop({
    interval: 0,
    flush: () => {
      flushes++;
    },
    onError: (e) => errors.push(e),
    ...more,
  });
  loops.push(loop);
  return { loop, flushes: () => flushes, errors };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("FlushLoop", () => {
  it("flushes every interval, and not before the first one", async () => {
    const started = performance.now();
    const { loop, flushes } = counted({ interval: 20 });
    expect(flushes()).toBe(0);
    while (flushes() < 3 && performance.now() - started < 5_000) await sleep(5); // bounded: a loaded machine delays timers
    expect(flushes()).toBeGreaterThanOrEqual(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55); // three intervals of 20 ms, less the timers' 1 ms rounding
    await loop.stop();
    const stopped = flushes();
    await sleep(60);
    expect(flushes()).toBe(stopped);
  });

  it("does not flush on its own with an interval of 0, only when asked", async () => {
    const { loop, flushes } = counted();
    await sleep(50);
    expect(flushes()).toBe(0);
    await loop.flush();
    expect(flushes()).toBe(1);
  });

  it("flushes once more on stop, then closes, and does nothing after", async () => {
    const events: string[] = [];
    const loop = new FlushLoop({
      interval: 60_000,
      flush: () => {
        events.push("flush");
      },
      onError: () => undefined,
      close: () => {
        events.push("close");
      },
    });
    await loop.stop();
    expect(events).toEqual(["flush", "close"]);
    await loop.flush();
    await loop.stop(); // a second stop closes nothing twice
    await sleep(30);
    expect(events).toEqual(["flush", "close"]);
  });

  it("stops its timer on stop", async () => {
    const { loop, flushes } = counted({ interval: 10 });
    await loop.stop();
    const after = flushes();
    await sleep(60);
    expect(flushes()).toBe(after);
  });

  it("reports a failing flush to onError without rejecting, and flushes again next time", async () => {
    let calls = 0;
    const { loop, errors } = counted({
      flush: async () => {
        calls++;
        await sleep(1);
        if (calls === 1) throw new Error("carbon is away");
      },
    });
    await expect(loop.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual(["carbon is away"]);
    await loop.flush();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it("reports what a flush throws that is not an Error as an Error", async () => {
    const { loop, errors } = counted({
      flush: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what an untyped flush might throw
        throw "socket closed";
      },
    });
    await loop.flush();
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]?.message).toBe("socket closed");
  });

  it("never runs two flushes at once, and stop waits for the one in progress", async () => {
    let running = 0;
    let most = 0;
    let finished = 0;
    const events: string[] = [];
    const loop = new FlushLoop({
      interval: 5,
      flush: async () => {
        running++;
        most = Math.max(most, running);
        await sleep(20);
        running--;
        finished++;
      },
      onError: () => undefined,
      close: () => {
        events.push(`close after ${String(finished)} flushes, ${String(running)} running`);
      },
    });
    void loop.flush();
    void loop.flush();
    await sleep(60);
    await loop.stop();
    expect(most).toBe(1);
    expect(events).toEqual([`close after ${String(finished)} flushes, 0 running`]);
    expect(finished).toBeGreaterThanOrEqual(3);
  });

  it("does not keep a process alive: one that only runs a loop exits", () => {
    const module = fileURLToPath(new URL("./flush-loop.ts", import.meta.url));
    const script = `import { FlushLoop } from ${JSON.stringify(module)};
new FlushLoop({ interval: 60_000, flush: () => {}, onError: () => {} });
console.log("started");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 10_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toBe("started\n");
    expect(run.status).toBe(0);
  });

  it("refuses bad options, naming the field", () => {
    const base: FlushLoopOptions = { interval: 0, flush: () => undefined, onError: () => undefined };
    expect(() => new FlushLoop({ ...base, interval: -1 })).toThrow(new RangeError("FlushLoop: interval -1 must be a finite number of ms, 0 or more"));
    expect(() => new FlushLoop({ ...base, interval: Number.NaN })).toThrow(RangeError);
    expect(() => new FlushLoop({ ...base, interval: Number.POSITIVE_INFINITY })).toThrow(/interval Infinity/);
    expect(() => new FlushLoop({ ...base, flush: undefined as never })).toThrow(new TypeError("FlushLoop: flush must be a function"));
    expect(() => new FlushLoop({ ...base, onError: "log" as never })).toThrow(new TypeError("FlushLoop: onError must be a function"));
    expect(() => new FlushLoop({ ...base, close: 1 as never })).toThrow(new TypeError("FlushLoop: close must be a function"));
  });
});
