// Kit NATS request/reply against raw NATS request/reply, in one process, on the same pair of
// connections (one for the callers, one for the server), the same subject shape and the same
// 64-byte payload.
//
// raw: `nc.request(subject, payload, { timeout })` answered by a raw `nc.subscribe` callback
//      that calls `msg.respond(msg.data)`.
// kit: `@kit/transport-nats`'s `publisher` (an Endpoint called with `background()` and the
//      publisher's `timeout: 5_000`, the same 5 s budget as raw's, which travels as `kit-timeout`)
//      answered by its `subscriber` (the subscriber runtime, concurrency 64), with pass-through
//      codecs so the figure is the transport's own cost, not JSON's.
// kit → raw responder, raw → kit subscriber: each half alone, to show where Kit's cost is
//      (shown, not the target).
//
// Both keep 64 calls outstanding. Needs a NATS server: NATS_URL, default nats://127.0.0.1:4222.
import { background, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-nats";
import { connect } from "@nats-io/transport-node";
import { compareAsync } from "./async-harness.ts";
import { printTable, ratio } from "./harness.ts";

/** The share of raw NATS request/reply throughput Kit must reach. */
const TARGET = 0.9;
const IN_FLIGHT = 64;
const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const payload = new Uint8Array(64).fill(120);
const suffix = Math.random().toString(36).slice(2, 10);

const server = await connect({ servers: url, name: "kit-bench-server" });
const client = await connect({ servers: url, name: "kit-bench-client" });

// raw NATS
const rawSubject = `bench.${suffix}.raw`;
server.subscribe(rawSubject, {
  callback: (_err, msg) => {
    msg.respond(msg.data);
  },
});
const callRaw = async (subject: string): Promise<void> => {
  const reply = await client.request(subject, payload, { timeout: 5_000 });
  if (reply.data.length !== payload.length) throw new Error("bad raw reply");
};

// Kit
const kitSubject = `bench.${suffix}.kit`;
const echo: Endpoint<Uint8Array, Uint8Array> = (_ctx, body) => Promise.resolve(body);
const decodeBytes: DecodeMessage<Uint8Array> = (_ctx, message) => message.body;
const encodeBytes: EncodeMessage<Uint8Array> = (_ctx, body, message) => {
  message.body = body;
};
const sub = subscriber(server, kitSubject, echo, decodeBytes, encodeBytes, { concurrency: IN_FLIGHT });
const call = publisher(client, kitSubject, encodeBytes, decodeBytes, { timeout: 5_000 });
const callRawResponder = publisher(client, rawSubject, encodeBytes, decodeBytes, { timeout: 5_000 });
await server.flush();

const results = await compareAsync(
  [
    { name: "raw nats", run: () => callRaw(rawSubject) },
    {
      name: "kit nats",
      run: async () => {
        const reply = await call(background(), payload);
        if (reply.length !== payload.length) throw new Error("bad kit reply");
      },
    },
    {
      name: "kit → raw responder",
      run: async () => {
        const reply = await callRawResponder(background(), payload);
        if (reply.length !== payload.length) throw new Error("bad reply");
      },
    },
    { name: "raw → kit subscriber", run: () => callRaw(kitSubject) },
  ],
  { rounds: 7, roundMs: 1_500, warmupMs: 1_500, inFlight: IN_FLIGHT },
);

printTable(`NATS request/reply, ${String(IN_FLIGHT)} in flight, ${String(payload.length)}-byte payload (msgs/s)`, results, "raw nats");
const kitVsRaw = ratio(results, "kit nats", "raw nats");
console.log(
  `\ntarget: Kit NATS request/reply reaches at least ${String(TARGET)} of raw NATS: ${kitVsRaw >= TARGET ? "MET" : "NOT MET"} (${kitVsRaw.toFixed(2)})`,
);

await sub.close();
await client.close();
await server.close();
