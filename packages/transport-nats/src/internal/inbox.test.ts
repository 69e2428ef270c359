import { describe, expect, it } from "vitest";
import { Inbox, type NatsMsg } from "./inbox.ts";

function msg(n: number): NatsMsg {
  return { subject: "s", data: new Uint8Array([n]), respond: () => true };
}

describe("Inbox", () => {
  it("never hands over more than asked for, in arrival order", async () => {
    const inbox = new Inbox();
    for (let i = 0; i < 5; i++) inbox.push(msg(i));
    const signal = new AbortController().signal;
    expect((await inbox.take(2, signal)).map((m) => m.data[0])).toEqual([0, 1]);
    expect((await inbox.take(10, signal)).map((m) => m.data[0])).toEqual([2, 3, 4]);
    expect(inbox.size).toBe(0);
  });

  it("waits for the first message", async () => {
    const inbox = new Inbox();
    const taking = inbox.take(4, new AbortController().signal);
    setTimeout(() => {
      inbox.push(msg(7));
    }, 20);
    expect((await taking).map((m) => m.data[0])).toEqual([7]);
  });

  it("returns none at once when the signal aborts", async () => {
    const inbox = new Inbox();
    const stop = new AbortController();
    const taking = inbox.take(4, stop.signal);
    stop.abort();
    await expect(taking).resolves.toEqual([]);
    inbox.push(msg(1));
    await expect(inbox.take(4, stop.signal)).resolves.toEqual([]);
    expect(inbox.takeAll()).toHaveLength(1);
  });

  it("tells whether it emptied in time", async () => {
    const inbox = new Inbox();
    inbox.push(msg(1));
    await expect(inbox.emptied(30)).resolves.toBe(false);
    setTimeout(() => void inbox.take(1, new AbortController().signal), 10);
    await expect(inbox.emptied(2_000)).resolves.toBe(true);
  });
});
