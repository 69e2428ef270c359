// Kit NATS request/reply against raw NATS request/reply, in one process, on the same pairs of
// connections (one for the callers, one for the server), the same subject shape and the same
// 64-byte payload.
//
// raw: `nc.request(subject, payload, { timeout })` answered by a raw `nc.subscribe` callback
//      that calls `msg.respond(msg.data)`.
// kit: `@kit/transport-nats`'s `publisher` (an Endpoint called with `background()` and the
//      publisher's `timeout: 5_000`, the same 5 s budget as raw's; only a context's deadline
//      travels as `kit-timeout`, so none is sent) answered by its `subscriber` (the subscriber
//      runtime, concurrency 64), with pass-through codecs so the figure is the transport's own
//      cost, not JSON's.
// kit → raw responder, raw → kit subscriber: each half alone, to show where Kit's cost is
//      (shown, not the target).
//
// Two pairs of connections, each case on both:
// - `noAsyncTraces: true` (the target): raw nats.js at its fastest, capturing no stack traces
//   for a request's "async traces" (it still builds one error with a stack trace per request,
//   when it cancels the request's rejection after the reply).
// - default options: raw nats.js then also makes two errors with stack traces before every
//   request; shown so that the difference is visible, not counted for the target.
// Kit's publisher does not call `nc.request`: it sends with `nc.publish` and takes replies on one
// subscription per connection (`<inbox>.*`), as nats.js does inside `nc.request`, with its
// deadlines on one timer and no error made unless a request fails (see the package README), so
// the options make no difference to it.
//
// Both keep 64 calls outstanding; then raw and Kit on the `noAsyncTraces` connections run one
// call at a time (interleaved rounds, sequence-harness.ts) for p50/p99 in µs, the latency a
// chain of calls pays per hop (reported, not a target). Needs a NATS server: NATS_URL, default nats://127.0.0.1:4222.
import { background, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-nats";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { compareAsync, type AsyncCase } from "./async-harness.ts";
import { printTable, ratio } from "./harness.ts";
import { compareSequence, printLatency } from "./sequence-harness.ts";

/** The share of raw NATS request/reply throughput Kit must reach. */
const TARGET = 0.9;
const IN_FLIGHT = 64;
const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const payload = new Uint8Array(64).fill(120);
const suffix = Math.random().toString(36).slice(2, 10);

const echo: Endpoint<Uint8Array, Uint8Array> = (_ctx, body) => Promise.resolve(body);
const decodeBytes: DecodeMessage<Uint8Array> = (_ctx, message) => message.body;
const encodeBytes: EncodeMessage<Uint8Array> = (_ctx, body, message) => {
  message.body = body;
};

/** The raw and Kit servers on `server`, and the four cases called through `client`; `label` ends each case's name. */
function cases(server: NatsConnection, client: NatsConnection, token: string, label: string): { cases: AsyncCase[]; close: () => Promise<void> } {
  const rawSubject = `bench.${suffix}.${token}.raw`;
  const kitSubject = `bench.${suffix}.${token}.kit`;
  server.subscribe(rawSubject, {
    callback: (_err, msg) => {
      msg.respond(msg.data);
    },
  });
  const sub = subscriber(server, kitSubject, echo, decodeBytes, encodeBytes, { concurrency: IN_FLIGHT });
  const call = publisher(client, kitSubject, encodeBytes, decodeBytes, { timeout: 5_000 });
  const callRawResponder = publisher(client, rawSubject, encodeBytes, decodeBytes, { timeout: 5_000 });
  const callRaw = async (subject: string): Promise<void> => {
    const reply = await client.request(subject, payload, { timeout: 5_000 });
    if (reply.data.length !== payload.length) throw new Error("bad raw reply");
  };
  const callKit = (endpoint: Endpoint<Uint8Array, Uint8Array>) => async (): Promise<void> => {
    const reply = await endpoint(background(), payload);
    if (reply.length !== payload.length) throw new Error("bad kit reply");
  };
  return {
    cases: [
      { name: `raw nats${label}`, run: () => callRaw(rawSubject) },
      { name: `kit nats${label}`, run: callKit(call) },
      { name: `kit → raw responder${label}`, run: callKit(callRawResponder) },
      { name: `raw → kit subscriber${label}`, run: () => callRaw(kitSubject) },
    ],
    close: () => sub.close(),
  };
}

const traceless = [await connect({ servers: url, name: "kit-bench-server", noAsyncTraces: true }), await connect({ servers: url, name: "kit-bench-client", noAsyncTraces: true })] as const;
const plain = [await connect({ servers: url, name: "kit-bench-server-default" }), await connect({ servers: url, name: "kit-bench-client-default" })] as const;
const same = cases(...traceless, "same", "");
const defaults = cases(...plain, "defaults", " (default options)");
await Promise.all([...traceless, ...plain].map((nc) => nc.flush()));

const options = { rounds: 7, roundMs: 1_500, warmupMs: 1_500, inFlight: IN_FLIGHT };
const results = await compareAsync(same.cases, options);
printTable(
  `NATS request/reply, ${String(IN_FLIGHT)} in flight, ${String(payload.length)}-byte payload, connections with noAsyncTraces (msgs/s)`,
  results,
  "raw nats",
);
const onDefaults = await compareAsync(defaults.cases.slice(0, 2), options);
printTable("The same on connections with default options (raw nats.js captures two more stack traces per request)", onDefaults, "raw nats (default options)");
const oneByOne = await compareSequence(same.cases.slice(0, 2), { rounds: 5, roundMs: 1_000, warmupMs: 500, maxCallsPerRound: 50_000 });
printLatency("NATS request/reply, one call at a time, noAsyncTraces connections (µs per call)", oneByOne, "raw nats");
const kitVsRaw = ratio(results, "kit nats", "raw nats");
console.log(
  `\ntarget: Kit NATS request/reply reaches at least ${String(TARGET)} of raw NATS doing the same work: ${kitVsRaw >= TARGET ? "MET" : "NOT MET"} (${kitVsRaw.toFixed(2)}; on default connections ${ratio(onDefaults, "kit nats (default options)", "raw nats (default options)").toFixed(2)})`,
);

if (kitVsRaw < TARGET) process.exitCode = 1;

await same.close();
await defaults.close();
await Promise.all([...traceless, ...plain].map((nc) => nc.close()));
