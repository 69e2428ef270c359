import { background, Code, KitError, type Context } from "@kit/endpoint";
import { replyTarget } from "@kit/transport/driver";
import type { MsgHdrs, NatsConnection } from "@nats-io/nats-core";
import { request } from "./replies.ts";

/** What JetStream answers a publish with: the stream and sequence that stored it, or an error. */
interface PubAckBody {
  readonly stream?: unknown;
  readonly seq?: unknown;
  readonly duplicate?: unknown;
  readonly error?: { readonly code?: unknown; readonly description?: unknown };
}

/** Where JetStream stored a message. */
export interface Stored {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

const text = new TextDecoder();

/**
 * Publishes to a subject a JetStream stream captures and waits for the stream's PubAck, the
 * same request `js.publish` makes (it needs no `@nats-io/jetstream` at run time). No stream on
 * the subject is `unavailable`; a refusal by the stream carries its description, coded
 * `failed_precondition` for a 400 (a failed expectation, a limit) and `unavailable` otherwise.
 * The wait ends at `ctx`'s deadline, or after `timeout` milliseconds when it has none.
 */
// eslint-disable-next-line max-params -- internal
export async function publishToStream(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  headers: MsgHdrs | undefined,
  timeout: number,
  ctx: Context = background(),
): Promise<Stored> {
  const reply = await request(nc, ctx, replyTarget("JetStream", subject, timeout), data, headers);
  let body: PubAckBody;
  try {
    body = JSON.parse(text.decode(reply.body)) as PubAckBody;
  } catch {
    throw new KitError(Code.Internal, `JetStream ${subject}: the PubAck is not JSON`);
  }
  if (body.error !== undefined) {
    const description = typeof body.error.description === "string" ? body.error.description : "refused";
    throw new KitError(body.error.code === 400 ? Code.FailedPrecondition : Code.Unavailable, `JetStream ${subject}: ${description}`);
  }
  if (typeof body.stream !== "string" || typeof body.seq !== "number") {
    throw new KitError(Code.Internal, `JetStream ${subject}: the reply is not a PubAck (is the subject captured by a stream?)`);
  }
  return { stream: body.stream, seq: body.seq, duplicate: body.duplicate === true };
}
