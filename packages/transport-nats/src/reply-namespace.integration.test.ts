// The subscribers' reply namespace against the real server (NATS_URL, default
// nats://127.0.0.1:4222): a request whose reply subject is outside it is dead-lettered as
// permission_denied and nothing is published to that subject; nats.js's request, Kit's requesters
// and a connection's own inboxPrefix are still answered; a configured namespace admits a subject of
// the user's choosing. For the core subscriber, a NATS service endpoint and a JetStream subscriber.
import { background, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type ErrorHandler, type Subscriber } from "@kit/transport";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type Msg, type NatsConnection } from "@nats-io/nats-core";
import { Svcm } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, natsUrl, sleep, unique } from "../test/support.ts";
import { jetstreamPublisher } from "./jetstream-publisher.ts";
import { jetstreamSubscriber } from "./jetstream-subscriber.ts";
import { publisher } from "./publisher.ts";
import { serviceEndpoint } from "./service-endpoint.ts";
import { subscriber, type NatsSubscriberOptions } from "./subscriber.ts";

interface Sum {
  readonly a: number;
  readonly b: number;
}

function timed(ms: number): Context {
  const [ctx] = withTimeout(background(), ms);
  return ctx;
}

describe("reply namespace", () => {
  let nc: NatsConnection;
  let subject: string;
  const cleanup: (() => Promise<unknown>)[] = [];
  const handled: Sum[] = [];
  const reported: string[] = [];
  const errorHandler: ErrorHandler = { handle: (_ctx, err) => void reported.push(err.code) };
  const sum: Endpoint<Sum, { v: number }> = (_ctx, request) => (handled.push(request), Promise.resolve({ v: request.a + request.b }));

  beforeEach(async () => {
    nc = await connectNats();
    subject = unique("kit.reply");
    handled.length = 0;
    reported.length = 0;
  });

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await nc.close();
  });

  /** Every message on `on`, as it comes. */
  async function listen(on: string, conn = nc): Promise<Msg[]> {
    const got: Msg[] = [];
    conn.subscribe(on, {
      callback: (err, msg) => {
        if (err === null) got.push(msg);
      },
    });
    await conn.flush();
    return got;
  }

  function serve(options: NatsSubscriberOptions, conn = nc): Subscriber {
    const sub = subscriber(conn, subject, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { errorHandler, ...options });
    cleanup.push(() => sub.close());
    return sub;
  }

  /** A raw request with a reply subject of the producer's choosing, as anyone who may publish to the subject can send. */
  async function forge(to: string, body: Sum, reply: string): Promise<void> {
    nc.publish(to, JSON.stringify(body), { reply });
    await nc.flush();
  }

  it("core subscriber: dead-letters a request whose reply subject is another subject; nats.js and Kit requesters are answered", async () => {
    const victim = unique("kit.victim");
    const deadLetter = unique("kit.dead");
    const [hit, dead] = [await listen(victim), await listen(deadLetter)];
    const sub = serve({ deadLetter });
    await sub.ready;

    await forge(subject, { a: 1, b: 1 }, victim);
    const raw = await nc.request(subject, JSON.stringify({ a: 2, b: 2 }), { timeout: 5_000 });
    expect(raw.json()).toEqual({ v: 4 });
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(client(timed(5_000), { a: 3, b: 3 })).resolves.toEqual({ v: 6 });

    await until("the dead letter", () => dead.length === 1, { timeout: 15_000 });
    await sleep(100); // room for a stray reply to arrive
    expect(dead[0]?.headers?.get("kit-error-code")).toBe("permission_denied");
    expect(dead[0]?.headers?.get("kit-error-message")).toBe(`reply subject ${JSON.stringify(victim)} is outside the subscriber's reply namespace; not answered`);
    expect(dead[0]?.json()).toEqual({ a: 1, b: 1 });
    expect(hit).toEqual([]); // nothing was published where the forged request pointed
    expect(handled).toEqual([
      { a: 2, b: 2 },
      { a: 3, b: 3 },
    ]); // the forged request never reached the endpoint
    expect(reported).toEqual(["permission_denied"]);
  });

  it("core subscriber: answers on a subject inside a configured namespace, and under a connection's own inboxPrefix by default", async () => {
    const replies = unique("kit.replies");
    const answers = await listen(`${replies}.>`);
    serve({ replyNamespace: [`${replies}.`] });
    await forge(subject, { a: 4, b: 5 }, `${replies}.one`);
    await until("the reply on the configured subject", () => answers.length === 1, { timeout: 15_000 });
    expect(answers[0]?.json()).toEqual({ v: 9 });

    const prefix = unique("_INBOX_kit");
    const own = await connect({ servers: natsUrl, inboxPrefix: prefix, timeout: 5_000 });
    cleanup.push(() => own.close());
    const ownSubject = unique("kit.own");
    const sub = subscriber(own, ownSubject, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { errorHandler });
    cleanup.push(() => sub.close());
    const client = publisher(own, ownSubject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(client(timed(5_000), { a: 1, b: 2 })).resolves.toEqual({ v: 3 }); // <prefix>.… is inside
    // A caller on the default _INBOX. is outside that connection's namespace: not answered.
    await expect(nc.request(ownSubject, JSON.stringify({ a: 9, b: 9 }), { timeout: 500 })).rejects.toThrow();
    await until("the refusal reported", () => reported.includes("permission_denied"), { timeout: 15_000 });
    expect(handled).toEqual([
      { a: 4, b: 5 },
      { a: 1, b: 2 },
    ]);
  });

  it("service endpoint: dead-letters a forged reply subject; nats.js requests are answered", async () => {
    const service = await new Svcm(nc).add({ name: unique("kitsvc"), version: "1.0.0" });
    cleanup.push(() => service.stop());
    const victim = unique("kit.victim");
    const deadLetter = unique("kit.dead");
    const [hit, dead] = [await listen(victim), await listen(deadLetter)];
    const endpoint = serviceEndpoint(nc, { service, name: "sum", subject }, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { deadLetter, errorHandler });
    cleanup.push(() => endpoint.close());
    await nc.flush();

    await forge(subject, { a: 1, b: 1 }, victim);
    expect((await nc.request(subject, JSON.stringify({ a: 2, b: 5 }), { timeout: 5_000 })).json()).toEqual({ v: 7 });
    await until("the dead letter", () => dead.length === 1, { timeout: 15_000 });
    await sleep(100);
    expect(dead[0]?.headers?.get("kit-error-code")).toBe("permission_denied");
    expect(hit).toEqual([]);
    expect(handled).toEqual([{ a: 2, b: 5 }]);
  });

  it("JetStream subscriber: dead-letters a stored request whose kit-reply-to is another subject; Kit's requester is answered", async () => {
    const jsm = await jetstreamManager(nc);
    const stream = unique("KIT_REPLY");
    const jobs = `${stream.toLowerCase()}.jobs`;
    const deadLetter = `${stream.toLowerCase()}.dead`;
    await jsm.streams.add({ name: stream, subjects: [jobs, deadLetter] });
    cleanup.push(() => jsm.streams.delete(stream));
    await jsm.consumers.add(stream, { durable_name: "workers", ack_policy: AckPolicy.Explicit, filter_subject: jobs });
    const consumer = await jetstream(nc).consumers.get(stream, "workers");
    const victim = unique("kit.victim");
    const hit = await listen(victim);
    const sub = jetstreamSubscriber(nc, consumer, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { deadLetter, errorHandler });
    cleanup.push(() => sub.close());

    const forged = natsHeaders();
    forged.set("kit-reply-to", victim);
    await jetstream(nc).publish(jobs, JSON.stringify({ a: 1, b: 1 }), { headers: forged });
    const client = jetstreamPublisher(nc, jobs, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(client(timed(5_000), { a: 3, b: 4 })).resolves.toEqual({ v: 7 });

    await until("the dead letter stored", async () => (await jsm.streams.getMessage(stream, { last_by_subj: deadLetter }).catch(() => null)) !== null, { timeout: 15_000 });
    const dead = await jsm.streams.getMessage(stream, { last_by_subj: deadLetter });
    expect(dead?.header.get("kit-error-code")).toBe("permission_denied");
    expect(dead?.json()).toEqual({ a: 1, b: 1 });
    expect(hit).toEqual([]);
    expect(handled).toEqual([{ a: 3, b: 4 }]);
  });
});
