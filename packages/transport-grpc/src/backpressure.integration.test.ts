/* eslint-disable @typescript-eslint/require-await -- endpoints written as async generators need not await */
import { background, type Context } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, Count as CountMethod, Chat as ChatMethod, type CountRequest, type EchoReply, type EchoRequest, type Item, type Running } from "../test/harness.ts";
import { bidiStream, serverStream } from "./server.ts";
import { bidiStreamClient, serverStreamClient } from "./stream-client.ts";

// Backpressure, end to end over a real grpc-js server on 127.0.0.1 (client and server in this
// process, so the memory measured is both sides'). 100,000 messages with 1 KiB of fresh data
// each go to a reader that pauses. A writer that did not wait for the reader would buffer up to
// 100,000 × 1 KiB ≈ 100 MB of payloads plus their message objects. Measured on this design:
// a lead of ~150 messages and a peak growth of ~9 MiB (heapUsed + external, no forced GC);
// the same stream written by a raw grpc-js handler that ignores `write()`'s return value: a
// lead of 99,999 messages and ~160 MiB. The bounds sit between, with room for GC timing.

const total = 100_000;
const payloadBytes = 1024;
const bytesIfUnbounded = total * payloadBytes; // ≈ 100 MB
const memoryBound = 40 * 1024 * 1024; // 40 MiB: 4× what was measured, under half of unbounded
const leadBound = 5_000; // messages the producer may run ahead of the reader (~30× what was measured)

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const memory = (): number => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

describe("backpressure", () => {
  it("holds a server stream of 100,000 messages back to the pace of a slow reader, with bounded memory", { timeout: 60_000 }, async () => {
    let produced = 0;
    running = await startServer({
      Count: serverStream(async function* (ctx: Context, { n }: CountRequest): AsyncGenerator<Item> {
        for (let seq = 0; seq < n && !ctx.signal.aborted; seq++) {
          produced++;
          yield { seq, payload: Buffer.alloc(payloadBytes, seq) };
        }
      }),
    });
    const count = serverStreamClient<CountRequest, Item>(running.conn, CountMethod);
    const baseline = memory();
    let peak = 0;
    let maxLead = 0;
    let read = 0;
    let inOrder = true;
    for await (const item of count(background(), { n: total })) {
      if (item.seq !== read) inOrder = false;
      read++;
      maxLead = Math.max(maxLead, produced - read);
      // The reader is slow: a long pause at the start (the moment an unbounded writer would
      // buffer everything), then a short one every 10,000 messages.
      if (read === 100 || read % 10_000 === 0) {
        await sleep(read === 100 ? 1_500 : 50);
        maxLead = Math.max(maxLead, produced - read);
        peak = Math.max(peak, memory() - baseline);
      }
    }
    expect(read).toBe(total);
    expect(inOrder).toBe(true);
    expect(maxLead).toBeLessThan(leadBound);
    expect(peak).toBeLessThan(memoryBound);
    expect(memoryBound).toBeLessThan(bytesIfUnbounded / 2);
  });

  it("holds a bidi client's requests back when the server reads slowly", { timeout: 60_000 }, async () => {
    let serverRead = 0;
    running = await startServer({
      Chat: bidiStream(async function* (_ctx: Context, lines: AsyncIterable<EchoRequest>): AsyncGenerator<EchoReply> {
        for await (const { text } of lines) {
          serverRead += text.length > 0 ? 1 : 0;
          if (serverRead === 100) await sleep(1_500);
        }
        yield { text: String(serverRead) };
      }),
    });
    let produced = 0;
    let maxLead = 0;
    const text = "b".repeat(1024);
    async function* lines(): AsyncGenerator<EchoRequest> {
      for (let i = 0; i < 20_000; i++) {
        produced++;
        maxLead = Math.max(maxLead, produced - serverRead);
        yield { text };
      }
    }
    const answers: EchoReply[] = [];
    for await (const answer of bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod)(background(), lines())) answers.push(answer);
    expect(answers).toEqual([{ text: "20000" }]);
    expect(maxLead).toBeLessThan(leadBound);
  });
});
