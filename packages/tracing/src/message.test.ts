import { background, Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { type Message, type OutgoingMessage } from "@kit/transport";
import { runSubscriber, type MessageDriver } from "@kit/transport/driver";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { kindOf, parentId, recorder, traceparent, type Recorder } from "../test/otel.ts";
import { withOtelContext } from "./context.ts";
import { publisherTrace, subscriberTrace } from "./message.ts";
import { traceEndpoint } from "./trace-endpoint.ts";

/** A driver over an array, retrying in place: enough of a broker to run the subscriber runtime. */
function arrayDriver(messages: Message[]): MessageDriver & { readonly acked: Message[]; readonly dead: Message[] } {
  const pending = [...messages];
  const acked: Message[] = [];
  const dead: Message[] = [];
  return {
    retry: "in-place",
    acked,
    dead,
    async receive(max, signal) {
      if (pending.length === 0) {
        await new Promise((resolve) => {
          signal.addEventListener("abort", resolve, { once: true });
        });
        return [];
      }
      return pending.splice(0, max);
    },
    ack: (m) => {
      acked.push(m);
      return Promise.resolve();
    },
    release: () => Promise.resolve(),
    deadLetter: (m) => {
      dead.push(m);
      return Promise.resolve();
    },
    reply: () => Promise.resolve(),
  };
}

/** Publishes through the publisher hooks as a Kit publisher does, and returns the message sent. */
function publish(otel: Recorder, ctx: Context, body: string): Message {
  const hooks = publisherTrace({ destination: "sum", system: "test", tracer: otel.tracer, propagator: otel.propagator });
  const outgoing: OutgoingMessage = { body: new TextEncoder().encode(body), headers: new Map() };
  let current = ctx;
  for (const hook of hooks.before) current = hook(current, outgoing);
  for (const hook of hooks.finalizer) hook(current, { error: undefined });
  return { body: outgoing.body, headers: outgoing.headers, attempt: 1 };
}

async function consume(otel: Recorder, messages: Message[], endpoint: Endpoint<string, null>): Promise<ReturnType<typeof arrayDriver>> {
  const driver = arrayDriver(messages);
  const traced = traceEndpoint<string, null>("Sum", { tracer: otel.tracer })(endpoint);
  const sub = runSubscriber(driver, traced, (_ctx, m) => new TextDecoder().decode(m.body), () => undefined, {
    ...subscriberTrace({ destination: "sum", system: "test", tracer: otel.tracer, propagator: otel.propagator }),
    backoff: () => 1,
  });
  await until(
    () => `every message acknowledged or dead-lettered (${String(driver.acked.length)} and ${String(driver.dead.length)} of ${String(messages.length)})`,
    () => driver.acked.length + driver.dead.length === messages.length,
  );
  await sub.close();
  return driver;
}

describe("publisherTrace and subscriberTrace", () => {
  it("continue the sender's trace in the message headers: caller → PRODUCER → CONSUMER → endpoint", async () => {
    const otel = recorder();
    const caller = otel.tracer.startSpan("caller");
    const message = publish(otel, withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, caller)), "1+2");
    caller.end();
    await consume(otel, [message], () => Promise.resolve(null));

    const [send, process, endpoint] = [otel.span("send sum"), otel.span("process sum"), otel.span("Sum")];
    expect(message.headers.get("traceparent")).toBe(traceparent(send.spanContext()));
    expect(new Set(otel.spans().map((s) => s.spanContext().traceId))).toEqual(new Set([caller.spanContext().traceId]));
    expect(parentId(send)).toBe(caller.spanContext().spanId);
    expect(parentId(process)).toBe(send.spanContext().spanId);
    expect(parentId(endpoint)).toBe(process.spanContext().spanId);
    expect([kindOf(send), kindOf(process)]).toEqual(["PRODUCER", "CONSUMER"]);
    expect(send.attributes).toEqual({
      "messaging.system": "test",
      "messaging.destination.name": "sum",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
    });
    expect(process.attributes).toMatchObject({ "messaging.operation.type": "process", "kit.message.decision": "succeeded", "kit.message.attempt": 1 });
  });

  it("give each delivery attempt its own span, a failed one marked with its error", async () => {
    const otel = recorder();
    const message = publish(otel, background(), "1+2");
    let calls = 0;
    await consume(otel, [message], () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new KitError(Code.Unavailable, "db down")) : Promise.resolve(null);
    });
    const attempts = otel.spans().filter((s) => s.name === "process sum");
    expect(attempts.map((s) => [s.attributes["kit.message.attempt"], s.attributes["kit.message.decision"], s.status.code])).toEqual([
      [1, "retried", SpanStatusCode.ERROR],
      [2, "succeeded", SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]?.attributes["kit.error.code"]).toBe("unavailable");
    for (const attempt of attempts) expect(parentId(attempt)).toBe(otel.span("send sum").spanContext().spanId);
  });

  it("mark a dead-lettered message's span failed", async () => {
    const otel = recorder();
    const driver = await consume(otel, [publish(otel, background(), "0+0")], () =>
      Promise.reject(new KitError(Code.InvalidArgument, "can't sum two zeroes")),
    );
    expect(driver.dead).toHaveLength(1);
    const process = otel.span("process sum");
    expect(process.attributes["kit.message.decision"]).toBe("dead-lettered");
    expect(process.status).toEqual({ code: SpanStatusCode.ERROR, message: "can't sum two zeroes" });
  });

  it("mark the span of a request answered with an error failed", async () => {
    const otel = recorder();
    const request = { ...publish(otel, background(), "0+0"), reply: "inbox" };
    const driver = await consume(otel, [request], () => Promise.reject(new KitError(Code.InvalidArgument, "can't sum two zeroes")));
    expect([driver.acked.length, driver.dead.length]).toEqual([1, 0]);
    const process = otel.span("process sum");
    expect(process.attributes["kit.message.decision"]).toBe("answered");
    expect(process.status).toEqual({ code: SpanStatusCode.ERROR, message: "can't sum two zeroes" });
  });

  it("start a fresh trace, and still handle the message, for a malformed traceparent", async () => {
    const otel = recorder();
    const message: Message = { body: new TextEncoder().encode("1+2"), headers: new Map([["traceparent", "00-xyz"]]), attempt: 1 };
    const driver = await consume(otel, [message], () => Promise.resolve(null));
    expect(driver.acked).toHaveLength(1);
    expect(parentId(otel.span("process sum"))).toBeUndefined();
    expect(parentId(otel.span("Sum"))).toBe(otel.span("process sum").spanContext().spanId);
  });

  it("mark a publisher span failed when the call fails", () => {
    const otel = recorder();
    const hooks = publisherTrace({ destination: "sum", tracer: otel.tracer, propagator: otel.propagator });
    let ctx = background();
    for (const hook of hooks.before) ctx = hook(ctx, { headers: new Map() });
    for (const hook of hooks.finalizer) hook(ctx, { error: new KitError(Code.DeadlineExceeded, "no reply in time") });
    const send = otel.span("send sum");
    expect(send.status).toEqual({ code: SpanStatusCode.ERROR, message: "no reply in time" });
    expect(send.attributes["kit.error.code"]).toBe("deadline_exceeded");
    expect(send.attributes).not.toHaveProperty("messaging.system");
  });
});
