import type { Channel } from "amqplib";
import { describe, expect, it } from "vitest";
import { batchWrites } from "./batched-writes.ts";

/** A socket that records what reaches the wire: each write while uncorked, or the corked ones together on uncork. */
class RecordingSocket {
  readonly sent: string[][] = [];
  #corked = 0;
  #held: string[] = [];
  cork(): void {
    this.#corked += 1;
  }
  uncork(): void {
    this.#corked -= 1;
    if (this.#corked === 0 && this.#held.length > 0) this.sent.push(this.#held.splice(0));
  }
  write(frame: string): void {
    if (this.#corked > 0) this.#held.push(frame);
    else this.sent.push([frame]);
  }
}

/** amqplib's order: a frame is queued now, announced on the next tick, and written to the socket on the next setImmediate. */
function amqplibLike(socket: RecordingSocket): { channel: Channel; send: (frame: string) => void } {
  const queued: string[] = [];
  let scheduled = false;
  const send = (frame: string): void => {
    queued.push(frame);
    process.nextTick(() => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        for (const f of queued.splice(0)) socket.write(f);
      });
    });
  };
  return { channel: { connection: { stream: socket } } as unknown as Channel, send };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves in the same setImmediate phase as amqplib's flush of what was sent before it, right after it. */
const flushed = (): Promise<void> =>
  new Promise((resolve) => {
    process.nextTick(() => setImmediate(resolve));
  });

describe("batchWrites", () => {
  it("sends the frames of one turn of the loop in one write, where amqplib alone makes one write each", async () => {
    const plain = new RecordingSocket();
    const bare = amqplibLike(plain);
    for (const frame of ["reply 1", "ack 1", "reply 2", "ack 2"]) bare.send(frame);
    await turn();
    await turn();
    expect(plain.sent).toEqual([["reply 1"], ["ack 1"], ["reply 2"], ["ack 2"]]);

    const socket = new RecordingSocket();
    const { channel, send } = amqplibLike(socket);
    for (const frame of ["reply 1", "ack 1", "reply 2", "ack 2"]) {
      send(frame);
      batchWrites(channel);
    }
    await Promise.resolve().then(() => {
      send("reply 3"); // in a microtask of the same turn: the same write
      batchWrites(channel);
    });
    await turn();
    await turn();
    expect(socket.sent).toEqual([["reply 1", "ack 1", "reply 2", "ack 2", "reply 3"]]);
  });

  it("holds nothing back: each write leaves in the same phase as amqplib alone would send it", async () => {
    const plain = new RecordingSocket();
    const bare = amqplibLike(plain);
    const socket = new RecordingSocket();
    const { channel, send } = amqplibLike(socket);
    for (const frame of ["first", "second"]) {
      bare.send(frame);
      send(frame);
      batchWrites(channel);
      await flushed();
      expect(plain.sent.flat()).toContain(frame);
      expect(socket.sent.flat()).toContain(frame);
    }
    expect(socket.sent).toEqual([["first"], ["second"]]);
  });

  it("leaves a stream without cork alone", () => {
    const channel = { connection: { stream: { write: () => true } } } as unknown as Channel;
    expect(() => {
      batchWrites(channel);
    }).not.toThrow();
  });
});
