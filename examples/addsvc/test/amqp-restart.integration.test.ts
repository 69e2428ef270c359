// addsvc over AMQP survives a RabbitMQ restart: on a broker of the test's own (port 20920, started
// by @kit/test-support's startOwnRabbitMq; never the shared one), addsvc is served through
// @kit/transport-amqp's reconnecting connect(), as serveAdd does, and called without pause while
// the broker stops for 3 s and starts again. Calls fail fast with `unavailable` while it is away,
// and addsvc answers again within seconds of its return, with no other error.
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { connect, type AmqpConnection } from "@kit/transport-amqp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logErrorHandler, whenReady, type Subscriber } from "@kit/transport";
import { amqpClient } from "../src/demo-clients.ts";
import { amqpSubscribers, amqpTopology } from "../src/generated/add.amqp.ts";
import { makeEndpoints } from "../src/generated/add.endpoints.ts";
import { withMiddleware } from "../src/generated/add.middleware.ts";
import { newBasicService, type AddService } from "../src/service.ts";
import { startOwnRabbitMq, type OwnRabbitMq } from "@kit/test-support";
import { recorder } from "./support.ts";

let broker: OwnRabbitMq;
beforeAll(async () => {
  broker = await startOwnRabbitMq({ port: Number(process.env.ADDSVC_RESTART_AMQP_PORT ?? 20_920) });
}, 120_000);
afterAll(async () => {
  await broker.destroy();
}, 60_000);

/** What happened to each call of a loop. */
interface Tally {
  sent: number;
  answered: number;
  /** Failures by code, with the slowest failure's time in ms. */
  failed: Map<string, { count: number; slowestMs: number }>;
  /** When the last call failed, and when the first answer after it came (epoch ms). */
  lastFailure: number;
  firstAnswerAfterFailure: number;
}

/**
 * Calls `svc.sum` one call after the other until `control.stop`, counting each outcome in
 * `tally`. Bounded: at most 20,000 calls, and it ends 60 s after it starts whatever happens.
 */
async function callUntilStopped(svc: AddService, tally: Tally, control: { stop: boolean }): Promise<void> {
  const end = Date.now() + 60_000;
  while (!control.stop && tally.sent < 20_000 && Date.now() < end) {
    tally.sent += 1;
    const started = Date.now();
    const [ctx, cancel] = withTimeout(background(), 2_000);
    try {
      expect(await svc.sum(ctx, tally.sent, 1)).toBe(tally.sent + 1);
      tally.answered += 1;
      if (tally.lastFailure > 0 && tally.firstAnswerAfterFailure === 0) tally.firstAnswerAfterFailure = Date.now();
    } catch (err) {
      const code = isKitError(err) ? err.code : String(err);
      const seen = tally.failed.get(code) ?? { count: 0, slowestMs: 0 };
      tally.failed.set(code, { count: seen.count + 1, slowestMs: Math.max(seen.slowestMs, Date.now() - started) });
      tally.lastFailure = Date.now();
      tally.firstAnswerAfterFailure = 0;
      await new Promise((resolve) => setTimeout(resolve, 20)); // a failing loop does not spin
    } finally {
      cancel();
    }
  }
}

describe("addsvc over AMQP through a broker restart", () => {
  it("fails fast with unavailable while RabbitMQ is away and answers again within seconds of its return", { timeout: 180_000 }, async () => {
    const logger = recorder();
    const metrics = memory();
    const connection: AmqpConnection = await connect(broker.url, {
      errorHandler: {
        handle: (_ctx, err) => {
          logger.log("connection", err.code, "err", err.message);
        },
      },
    });
    let server: Subscriber | undefined;
    try {
      // addsvc's AMQP wiring, as serveAdd (src/generated/add.serve.ts) does it
      await amqpTopology(connection, { prefix: "addsvc-restart" });
      const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });
      server = await whenReady(amqpSubscribers(connection, endpoints, { prefix: "addsvc-restart", subscriber: { concurrency: 16, errorHandler: logErrorHandler(logger) } }));
      const svc = amqpClient(connection, { queuePrefix: "addsvc-restart" });
      const tally: Tally = { sent: 0, answered: 0, failed: new Map(), lastFailure: 0, firstAnswerAfterFailure: 0 };
      const control = { stop: false };
      const calls = callUntilStopped(svc, tally, control);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const answeredBefore = tally.answered;
      await broker.restart({ downtime: 3_000 });
      const back = Date.now();
      const deadline = back + 30_000;
      while (!(tally.firstAnswerAfterFailure > 0 && tally.answered - answeredBefore > 50) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const answeredAfterRestart = tally.answered;
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // and it keeps answering
      control.stop = true;
      await calls;
      const resumedMs = tally.firstAnswerAfterFailure - back;
      const handled = metrics.value("requests_total", { endpoint: "sum", code: "ok" });
      console.log(
        `addsvc AMQP restart: sent ${String(tally.sent)}, answered ${String(tally.answered)}, handled by addsvc ${String(handled)}, ` +
          `failed ${JSON.stringify(Object.fromEntries(tally.failed))}; answering again ${String(resumedMs)} ms after rabbitmqctl await_startup returned (negative: before)`,
      );
      expect(answeredBefore).toBeGreaterThan(0);
      expect(tally.failed.get("unavailable")?.count).toBeGreaterThan(0);
      expect([...tally.failed.keys()].filter((code) => code !== "unavailable" && code !== "deadline_exceeded")).toEqual([]);
      expect(tally.failed.get("unavailable")?.slowestMs).toBeLessThan(2_100); // never a hang past the call's own deadline
      expect(tally.firstAnswerAfterFailure).toBeGreaterThan(0);
      expect(resumedMs).toBeLessThan(10_000);
      expect(tally.answered).toBeGreaterThan(answeredAfterRestart);
      // Every answered call was handled by addsvc once at least; a call that failed may have been handled too.
      expect(handled).toBeGreaterThanOrEqual(tally.answered);
      expect(handled).toBeLessThanOrEqual(tally.sent);
      expect(logger.lines.some((line) => line[0] === "connection" && line[1] === "unavailable")).toBe(true);
    } finally {
      await server?.close();
      await connection.close();
    }
  });
});
