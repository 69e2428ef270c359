import { Code, isKitError, KitError, timeRemaining, type Context } from "@kit/endpoint";
import { decodeJSONMessage, type MessageOutcome } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { lambdaContext, sqsEvent, sqsRecord } from "../test/fixtures/events.ts";
import { subscriber } from "./subscriber.ts";

const Job = z.object({ n: z.number() });
type Job = z.infer<typeof Job>;
const quiet = { errorHandler: { handle: () => undefined } };

/** The ids a response names, sorted. */
function failed(response: { batchItemFailures: { itemIdentifier: string }[] }): string[] {
  return response.batchItemFailures.map((f) => f.itemIdentifier).sort();
}

describe("subscriber: partial batch responses", () => {
  it("runs every record once and names none when all succeed", async () => {
    const seen: number[] = [];
    const handler = subscriber((_ctx, job: Job) => {
      seen.push(job.n);
      return Promise.resolve();
    }, decodeJSONMessage(Job));
    const records = Array.from({ length: 10 }, (_, i) => sqsRecord(`m${String(i)}`, JSON.stringify({ n: i })));
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("names a record whose endpoint failed with a retryable code, and only it", async () => {
    const handler = subscriber((_ctx, job: Job) => (job.n === 2 ? Promise.reject(new KitError(Code.Unavailable, "down")) : Promise.resolve()), decodeJSONMessage(Job), quiet);
    const records = [1, 2, 3].map((n) => sqsRecord(`m${String(n)}`, JSON.stringify({ n })));
    expect(failed(await handler(sqsEvent(records), lambdaContext()))).toEqual(["m2"]);
  });

  it("counts 200 records: each handled once, the failed ones named, none lost", async () => {
    const handled = new Map<number, number>();
    const handler = subscriber((_ctx, job: Job) => {
      handled.set(job.n, (handled.get(job.n) ?? 0) + 1);
      return job.n % 7 === 0 ? Promise.reject(new KitError(Code.Aborted, "conflict")) : Promise.resolve();
    }, decodeJSONMessage(Job), { ...quiet, concurrency: 8 });
    const records = Array.from({ length: 200 }, (_, n) => sqsRecord(`m${String(n)}`, JSON.stringify({ n })));
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(handled.size).toBe(200);
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(failed(response)).toEqual(records.filter((_, n) => n % 7 === 0).map((r) => r.messageId).sort());
  });

  it("handles the largest batch Lambda sends (10,000 records): none lost, none run twice", async () => {
    const handled = new Uint8Array(10_000);
    const handler = subscriber((_ctx, job: Job) => {
      handled[job.n] = (handled[job.n] ?? 0) + 1;
      return job.n % 1_000 === 0 ? Promise.reject(new KitError(Code.Unavailable, "down")) : Promise.resolve();
    }, decodeJSONMessage(Job), quiet);
    const records = Array.from({ length: 10_000 }, (_, n) => sqsRecord(`m${String(n)}`, JSON.stringify({ n })));
    const response = await handler(sqsEvent(records), lambdaContext(60_000));
    expect(handled.every((count) => count === 1)).toBe(true);
    expect(failed(response)).toEqual(Array.from({ length: 10 }, (_, i) => `m${String(i * 1_000)}`).sort());
  });

  it("answers an empty batch at once", async () => {
    const handler = subscriber(() => Promise.resolve(), decodeJSONMessage(Job));
    expect(await handler(sqsEvent([]), lambdaContext())).toEqual({ batchItemFailures: [] });
  });

  it("runs at most `concurrency` records at once", async () => {
    let running = 0;
    let most = 0;
    const handler = subscriber(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    }, decodeJSONMessage(Job), { concurrency: 2 });
    const records = Array.from({ length: 6 }, (_, n) => sqsRecord(`m${String(n)}`, JSON.stringify({ n })));
    expect(failed(await handler(sqsEvent(records), lambdaContext()))).toEqual([]);
    expect(most).toBe(2);
  });
});

describe("subscriber: dead letters", () => {
  it("without deadLetter, leaves a record that failed for good to the queue's redrive policy", async () => {
    const decisions: string[] = [];
    const handler = subscriber(() => Promise.reject(new Error("bug")), decodeJSONMessage(Job), {
      ...quiet,
      finalizer: [(_ctx, outcome: MessageOutcome) => {
        decisions.push(outcome.decision);
      }],
    });
    const response = await handler(sqsEvent([sqsRecord("m1", '{"n":1}')]), lambdaContext());
    expect(failed(response)).toEqual(["m1"]);
    expect(decisions).toEqual(["dead-lettered"]);
  });

  it("with deadLetter, sends a poison record there at once with kit-error-* headers, and deletes it", async () => {
    const sent: { id: unknown; headers: Record<string, string> }[] = [];
    let calls = 0;
    const handler = subscriber(() => {
      calls += 1;
      return Promise.resolve();
    }, decodeJSONMessage(Job), {
      ...quiet,
      deadLetter: (record, headers) => {
        sent.push({ id: record.messageId, headers: Object.fromEntries(headers) });
        return Promise.resolve();
      },
    });
    const response = await handler(sqsEvent([sqsRecord("bad", "{not json"), sqsRecord("ok", '{"n":1}')]), lambdaContext());
    expect(failed(response)).toEqual([]);
    expect(calls).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.id).toBe("bad");
    expect(sent[0]?.headers).toMatchObject({ "kit-error-code": "invalid_argument", "kit-attempts": "1" });
  });

  it("dead-letters a record whose receive count reached maxAttempts instead of retrying it again", async () => {
    const sent: unknown[] = [];
    const handler = subscriber(() => Promise.reject(new KitError(Code.Unavailable, "down")), decodeJSONMessage(Job), {
      ...quiet,
      maxAttempts: 3,
      deadLetter: (record) => {
        sent.push(record.messageId);
        return Promise.resolve();
      },
    });
    const records = [sqsRecord("early", '{"n":1}', { receiveCount: 2 }), sqsRecord("last", '{"n":2}', { receiveCount: 3 })];
    expect(failed(await handler(sqsEvent(records), lambdaContext()))).toEqual(["early"]);
    expect(sent).toEqual(["last"]);
  });

  it("keeps a record on its queue when its dead letter cannot be sent", async () => {
    let tries = 0;
    const handler = subscriber(() => Promise.reject(new KitError(Code.NotFound, "gone")), decodeJSONMessage(Job), {
      ...quiet,
      deadLetter: () => {
        tries += 1;
        return Promise.reject(new Error("DLQ refused"));
      },
    });
    expect(failed(await handler(sqsEvent([sqsRecord("m1", '{"n":1}')]), lambdaContext()))).toEqual(["m1"]);
    expect(tries).toBe(3);
  });
});

describe("subscriber: deadlines", () => {
  it("gives each record the invocation's remaining time, less reserve, and names one that runs out", async () => {
    let left: number | undefined;
    const handler = subscriber((ctx: Context, job: Job) => {
      left ??= timeRemaining(ctx);
      return job.n === 1 ? new Promise<void>(() => undefined) : Promise.resolve();
    }, decodeJSONMessage(Job), { ...quiet, reserve: 500 });
    const started = Date.now();
    const response = await handler(sqsEvent([sqsRecord("slow", '{"n":1}'), sqsRecord("quick", '{"n":2}')]), lambdaContext(800));
    expect(failed(response)).toEqual(["slow"]);
    expect(Date.now() - started).toBeLessThan(800); // answered before Lambda would stop it
    expect(left).toBeLessThanOrEqual(300);
  });

  it("honours a sooner kit-timeout attribute, and dead-letters a malformed one", async () => {
    const codes: string[] = [];
    const handler = subscriber(() => new Promise<void>(() => undefined), decodeJSONMessage(Job), {
      ...quiet,
      finalizer: [(_ctx, outcome: MessageOutcome) => {
        codes.push(`${outcome.message.headers.get("kit-timeout") === "soon" ? "bad" : "timed"}:${outcome.error?.code ?? ""}`);
      }],
    });
    const records = [sqsRecord("timed", '{"n":1}', { timeout: "30" }), sqsRecord("bad", '{"n":2}', { timeout: "soon" })];
    const response = await handler(sqsEvent(records), lambdaContext(60_000));
    expect(failed(response)).toEqual(["bad", "timed"]);
    expect(codes.sort()).toEqual(["bad:invalid_argument", "timed:deadline_exceeded"]);
  });
});

describe("subscriber: FIFO queues", () => {
  it("runs a group in order, and stops it at its first record that stays; other groups go on", async () => {
    const ran: string[] = [];
    const handler = subscriber((_ctx, job: { id: string }) => {
      ran.push(job.id);
      return job.id === "a2" ? Promise.reject(new KitError(Code.Unavailable, "down")) : Promise.resolve();
    }, decodeJSONMessage<{ id: string }>(), quiet);
    const ids = ["a1", "b1", "a2", "b2", "a3", "b3"];
    const records = ids.map((id) => sqsRecord(id, JSON.stringify({ id }), { group: id.slice(0, 1) }));
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(failed(response)).toEqual(["a2", "a3"]);
    expect(ran.filter((id) => id.startsWith("a"))).toEqual(["a1", "a2"]);
    expect(ran.filter((id) => id.startsWith("b"))).toEqual(["b1", "b2", "b3"]);
  });
});

describe("subscriber: malformed events", () => {
  const cases: [string, unknown, string][] = [
    ["null", null, "event"],
    ["an HTTP event", { requestContext: {}, httpMethod: "GET" }, "Records"],
    ["Records not an array", { Records: "x" }, "Records"],
    ["a record that is not an object", { Records: [7] }, "Records[0]"],
    ["a record without messageId", { Records: [{ body: "{}" }] }, "Records[0].messageId"],
    ["a record whose body is not a string", { Records: [{ messageId: "m", body: 1 }] }, "Records[0].body"],
  ];
  it.each(cases)("refuses %s with invalid_argument naming the field", async (_name, event, field) => {
    const handler = subscriber(() => Promise.resolve(), decodeJSONMessage(Job));
    const error: unknown = await handler(event, lambdaContext()).catch((e: unknown) => e);
    expect(isKitError(error) && error.code).toBe("invalid_argument");
    expect((error as KitError).details).toEqual({ field });
  });
});
