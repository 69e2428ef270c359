import { background, Code, isKitError, KitError, withCancel, withTimeout, type Context } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
import { writeError } from "./message-error.ts";
import type { Message, OutgoingMessage } from "./message.ts";
import { textBody } from "./outgoing-message.ts";
import { messagePublisher, sendAsIs, type PublisherBefore, type PublisherOutcome, type SendAndForget, type SendMessage } from "./publisher.ts";

/** A broker that answers every request with `answer(message)` and records what it was sent. */
function echoBroker(answer: (message: OutgoingMessage) => Message | undefined = (m) => ({ body: m.body, headers: new Map(m.headers), attempt: 1 })) {
  const sent: OutgoingMessage[] = [];
  const send: SendMessage = (_ctx, message) => {
    sent.push(message);
    return Promise.resolve(answer(message));
  };
  return { sent, send };
}

describe("messagePublisher", () => {
  it("encodes the request, sends it and decodes the reply", async () => {
    const broker = echoBroker();
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage<{ a: number }>());
    expect(await call(background(), { a: 1 })).toEqual({ a: 1 });
    expect(new TextDecoder().decode(broker.sent[0]?.body)).toBe('{"a":1}');
    expect(broker.sent[0]?.headers.get("content-type")).toBe("application/json");
  });

  it("sends the time left before the context's deadline as kit-timeout, and none without a deadline", async () => {
    const broker = echoBroker();
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    await call(ctx, {});
    cancel();
    await call(background(), {});
    const budget = Number(broker.sent[0]?.headers.get("kit-timeout"));
    expect(budget).toBeGreaterThan(4_000);
    expect(budget).toBeLessThanOrEqual(5_000);
    expect(broker.sent[1]?.headers.has("kit-timeout")).toBe(false);
  });

  it("fails with internal, the server's fault, for a reply the decoder cannot read, whatever the requester", async () => {
    const broker = echoBroker(() => ({ body: new TextEncoder().encode("{not json"), headers: new Map(), attempt: 1 }));
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const err = await call(background(), {}).catch((thrown: unknown) => thrown);
    expect(err).toMatchObject({ code: Code.Internal, message: expect.stringMatching(/^malformed reply: malformed JSON/) as unknown });
    const unavailable = new KitError(Code.Unavailable, "schema registry down");
    const keeps = messagePublisher(broker.send, encodeJSONMessage, () => Promise.reject(unavailable));
    await expect(keeps(background(), {})).rejects.toBe(unavailable);
  });

  it("fails with the reply's kit-error-code and message, without decoding it", async () => {
    const broker = echoBroker(() => {
      const headers = new Map<string, string>();
      writeError(headers, new KitError(Code.NotFound, "no such order"));
      return { body: new Uint8Array(0), headers, attempt: 1 };
    });
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage());
    const err: unknown = await call(background(), {}).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && [err.code, err.message]).toEqual([Code.NotFound, "no such order"]);
  });

  it("hands send the text of a JSON request, and a before hook that reads or replaces the body its bytes", async () => {
    const broker = echoBroker(() => undefined);
    const seen: (string | undefined)[] = [];
    const send: SendMessage = (ctx, message, request) => {
      seen.push(textBody(message));
      return broker.send(ctx, message, request);
    };
    await messagePublisher(send, encodeJSONMessage, undefined)(background(), { a: 1 });
    const replace: PublisherBefore = (ctx, message) => {
      message.body = new TextEncoder().encode(`[${new TextDecoder().decode(message.body)}]`);
      return ctx;
    };
    await messagePublisher(send, encodeJSONMessage, undefined, { before: [replace] })(background(), { a: 2 });
    expect(seen).toEqual(['{"a":1}', undefined]);
    expect(broker.sent.map((m) => new TextDecoder().decode(m.body))).toEqual(['{"a":1}', '[{"a":2}]']);
  });

  it("resolves with undefined for fire and forget", async () => {
    const broker = echoBroker(() => undefined);
    const call = messagePublisher(broker.send, encodeJSONMessage, undefined);
    await expect(call(background(), { id: 1 })).resolves.toBeUndefined();
    expect(broker.sent).toHaveLength(1);
  });

  it("drops what a fire-and-forget send resolves with and maps its failures with the driver's own mapping, with hooks or without", async () => {
    const clientError = new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
    const ids: SendAndForget = (_ctx, message) => (textBody(message) === "{}" ? Promise.reject(clientError) : Promise.resolve("1700000000000-0"));
    const failure = (thrown: unknown): KitError => new KitError(Code.FailedPrecondition, `XADD orders: ${(thrown as Error).message}`, { cause: thrown });
    const outcomes: (string | undefined)[] = [];
    const plain = messagePublisher(ids, encodeJSONMessage, undefined, {}, failure);
    const hooked = messagePublisher(ids, encodeJSONMessage, undefined, { finalizer: [(_ctx, { error }) => void outcomes.push(error?.code)] }, failure);
    for (const call of [plain, hooked]) {
      await expect(call(background(), { id: 1 })).resolves.toBeUndefined();
      const err: unknown = await call(background(), {}).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && [err.code, err.message, err.cause]).toEqual([Code.FailedPrecondition, `XADD orders: ${clientError.message}`, clientError]);
    }
    expect(outcomes).toEqual([undefined, Code.FailedPrecondition]);
  });

  it("with sendAsIs, returns the promise of a send that settles as the caller should see it, and keeps its KitErrors, with hooks or without", async () => {
    const refused = new KitError(Code.PermissionDenied, "MQTT publish to orders: not authorized");
    const sends: Promise<undefined>[] = [];
    const send: SendAndForget = (_ctx, message) => {
      const sent = textBody(message) === "{}" ? Promise.reject(refused) : Promise.resolve(undefined);
      sends.push(sent);
      return sent;
    };
    const plain = messagePublisher(send, encodeJSONMessage, undefined, {}, sendAsIs);
    const ok = plain(background(), { id: 1 });
    expect(ok).toBe(sends[0]); // no promise of the publisher's own
    await expect(ok).resolves.toBeUndefined();
    await expect(plain(background(), {})).rejects.toBe(refused);
    const outcomes: (string | undefined)[] = [];
    const hooked = messagePublisher(send, encodeJSONMessage, undefined, { finalizer: [(_ctx, { error }) => void outcomes.push(error?.code)] }, sendAsIs);
    await expect(hooked(background(), { id: 1 })).resolves.toBeUndefined();
    await expect(hooked(background(), {})).rejects.toBe(refused);
    expect(outcomes).toEqual([undefined, Code.PermissionDenied]);
  });

  it("gives send the request, for what the broker routes by", async () => {
    const keys: string[] = [];
    const send: SendMessage<{ customer: string }> = (_ctx, _message, request) => {
      keys.push(request.customer);
      return Promise.resolve(undefined);
    };
    const call = messagePublisher(send, encodeJSONMessage, undefined);
    await call(background(), { customer: "c-7" });
    expect(keys).toEqual(["c-7"]);
  });

  it("runs before, after and finalizer hooks in order, each with the context the hooks returned", async () => {
    const broker = echoBroker();
    const seen: string[] = [];
    const outcomes: PublisherOutcome[] = [];
    let latest: Context | undefined;
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage(), {
      before: [
        (ctx, message) => {
          seen.push("before");
          message.headers.set("traceparent", "00-1-2-01");
          return withCancel(ctx)[0];
        },
      ],
      after: [
        (ctx, reply) => {
          seen.push(`after ${String(reply.headers.get("traceparent"))}`);
          latest = withCancel(ctx)[0];
          return latest;
        },
      ],
      finalizer: [
        (ctx, outcome) => {
          seen.push(ctx === latest ? "finalizer with after's ctx" : "finalizer with another ctx");
          outcomes.push(outcome);
        },
      ],
    });
    await call(background(), {});
    expect(seen).toEqual(["before", "after 00-1-2-01", "finalizer with after's ctx"]);
    expect(outcomes).toEqual([{ error: undefined }]);
  });

  it("fails a call whose context is already canceled without sending, and tells the finalizer", async () => {
    const broker = echoBroker();
    const outcomes: PublisherOutcome[] = [];
    const call = messagePublisher(broker.send, encodeJSONMessage, decodeJSONMessage(), { finalizer: [(_ctx, outcome) => void outcomes.push(outcome)] });
    const [ctx, cancel] = withCancel(background());
    cancel();
    const err: unknown = await call(ctx, {}).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && err.code).toBe(Code.Canceled);
    expect(broker.sent).toHaveLength(0);
    expect(outcomes[0]?.error?.code).toBe(Code.Canceled);
  });

  it.each([
    ["without hooks", {}],
    ["with hooks", { finalizer: [() => undefined] }],
  ])("fails without sending a call canceled while its request was encoded, %s", async (_name, options) => {
    const broker = echoBroker();
    const [ctx, cancel] = withCancel(background());
    const encodeSlowly = async (c: Context, value: unknown, message: OutgoingMessage): Promise<void> => {
      cancel();
      await Promise.resolve();
      encodeJSONMessage(c, value, message);
    };
    const err: unknown = await messagePublisher(broker.send, encodeSlowly, undefined, options)(ctx, {}).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && err.code).toBe(Code.Canceled);
    expect(broker.sent).toEqual([]);
  });

  it("turns a failure to send or decode into a KitError, and a finalizer that throws changes nothing", async () => {
    const failing: SendMessage = () => Promise.reject(new Error("socket closed"));
    const call = messagePublisher(failing, encodeJSONMessage, decodeJSONMessage(), {
      finalizer: [
        () => {
          throw new Error("finalizer bug");
        },
      ],
    });
    const err: unknown = await call(background(), {}).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && [err.code, err.message]).toEqual([Code.Unknown, "socket closed"]);

    const garbled = messagePublisher(echoBroker(() => ({ body: new TextEncoder().encode("{"), headers: new Map(), attempt: 1 })).send, encodeJSONMessage, decodeJSONMessage());
    const bad: unknown = await garbled(background(), {}).catch((thrown: unknown) => thrown);
    expect(isKitError(bad) && bad.code).toBe(Code.Internal); // the reply is the server's fault, not the caller's
  });
});
