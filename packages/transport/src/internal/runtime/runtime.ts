import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import type { Backoff } from "../../backoff.ts";
import type { MessageDriver } from "../../message-driver.ts";
import type { DecodeMessage, EncodeMessage, Message } from "../../message.ts";
import type { MessageErrorEncoder, Subscriber, SubscriberAfter, SubscriberBefore, SubscriberFinalizer } from "../../subscriber-options.ts";
import { sleep } from "../sleep.ts";
import { Attempts } from "./attempt.ts";
import { ack, decide, type Decision, type Failure } from "./decide.ts";
import type { Delivery } from "./delivery.ts";
import { Pump } from "./pump.ts";
import { Settler } from "./settle.ts";

/** Everything a runtime is made of, its options read and checked. */
export interface RuntimeParts<Req, Res, M extends Message> {
  readonly driver: MessageDriver<M>;
  readonly endpoint: Endpoint<Req, Res>;
  readonly decode: DecodeMessage<Req>;
  readonly encode: EncodeMessage<Res>;
  readonly before: readonly SubscriberBefore[];
  readonly after: readonly SubscriberAfter[];
  readonly finalizer: readonly SubscriberFinalizer[];
  readonly errorEncoder: MessageErrorEncoder;
  readonly observe: (ctx: Context, err: KitError) => void;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly closeTimeout: number;
  readonly exposeErrors: boolean;
}

/** The reason an attempt's context is canceled with while its message waits to be retried in place. */
const waiting = new KitError(Code.Canceled, "the attempt is over; the message waits to be tried again");

/**
 * One subscriber's runtime, its three parts wired together: the {@link Pump} receives messages
 * into slots, {@link Attempts} runs each attempt, {@link decide} says what comes of it, and the
 * {@link Settler} carries that out through the driver and frees the slot. A retry in place
 * waits here, holding its slot, then runs the next attempt.
 */
export function startRuntime<Req, Res, M extends Message>(parts: RuntimeParts<Req, Res, M>): Subscriber {
  const { driver, observe } = parts;
  const stop = new AbortController();
  const request = (delivery: Delivery<M>): boolean => delivery.message.reply !== undefined && driver.reply !== undefined;
  const settler = new Settler<M>({ ...parts, stop: stop.signal, free: (delivery) => { pump.free(delivery); } });

  const retryInPlace = async (delivery: Delivery<M>, decision: Decision & { action: "retry" }): Promise<void> => {
    await settler.finalize(delivery, "retried", decision.error, decision.delay);
    delivery.cancel(waiting);
    await sleep(decision.delay, stop.signal);
    if (delivery.state !== "running") return; // released by close() meanwhile
    if (stop.signal.aborted) {
      await settler.release(delivery, undefined);
      return;
    }
    delivery.attempt += 1;
    attempts.start(delivery, true);
  };

  const ended = (delivery: Delivery<M>, failure: Failure | undefined): void => {
    if (failure === undefined) {
      settler.settle(delivery, ack); // what decide says for every success, without making its question
      return;
    }
    const situation = { failure, attempt: delivery.attempt, maxAttempts: parts.maxAttempts, retry: driver.retry, request: request(delivery), closing: stop.signal.aborted };
    const decision = decide(situation, parts.backoff);
    if (decision.action === "release") void settler.release(delivery, undefined);
    else if (decision.action === "retry" && decision.inPlace) {
      retryInPlace(delivery, decision).catch((thrown: unknown) => {
        observe(delivery.ctx, new KitError(Code.Internal, "a retry in place failed", { cause: thrown }));
        pump.free(delivery);
      });
    } else settler.settle(delivery, decision);
  };

  const attempts = new Attempts<Req, Res, M>({ ...parts, ended, held: () => pump.held() });
  const pump = new Pump<M>({
    ...parts,
    stop,
    newBatch: () => {
      attempts.newBatch();
    },
    run: (delivery) => {
      delivery.run();
      attempts.start(delivery, false);
    },
    release: (delivery, reason) => settler.release(delivery, reason),
  });
  pump.start();
  const close = (): Promise<void> => pump.close();
  return { ready: pump.ready, close, [Symbol.asyncDispose]: close };
}
