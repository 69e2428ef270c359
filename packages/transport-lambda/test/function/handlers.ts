// The Lambda function the runtime interface client loads in ric.integration.test.ts
// (`_HANDLER=index.http` or `index.sqs`; the test writes index.mjs, which re-exports these, since
// the client looks for index.js, .mjs or .cjs), written as a user would deploy one: handlers made
// with @kit/transport-lambda, imported from its source, which Node runs.
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage } from "@kit/transport";
import { decodeJSON, encodeJSON } from "../../src/codec.ts";
import { server } from "../../src/server.ts";
import { subscriber } from "../../src/subscriber.ts";

const quiet = { handle: (): undefined => undefined };

/** Sums `a` and `b`; `a: -1` throws a plain Error, `a: -2` never answers (to meet the deadline). */
const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => {
  if (a === -1) throw new Error("db-3 refused");
  if (a === -2) return new Promise(() => undefined);
  return { v: a + b };
};

export const http = server(sum, decodeJSON<{ a: number; b: number }>(), encodeJSON, { errorHandler: quiet, reserve: 50 });

/**
 * Handles a job; `{ fail: "retry" }` fails with unavailable, `{ fail: "bug" }` with a plain Error,
 * `{ fail: "hang" }` never ends, `{ sleep: ms }` takes that long.
 */
const job: Endpoint<{ fail?: string; sleep?: number }, undefined> = async (_ctx, { fail, sleep }) => {
  if (sleep !== undefined) await new Promise((resolve) => setTimeout(resolve, sleep));
  if (fail === "hang") return new Promise(() => undefined);
  if (fail === "retry") throw new KitError(Code.Unavailable, "try later");
  if (fail === "bug") throw new Error("bug");
  return undefined;
};

export const sqs = subscriber(job, decodeJSONMessage<{ fail?: string; sleep?: number }>(), { errorHandler: quiet, reserve: 50 });
