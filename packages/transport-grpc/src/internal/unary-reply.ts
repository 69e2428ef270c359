import type { Metadata, sendUnaryData, StatusObject } from "@grpc/grpc-js";
import type { KitError } from "@kit/endpoint";
import type { EncodeResponse } from "../server.ts";
import type { ServerCall } from "./server-call.ts";

/** The part of a grpc-js unary server call a reply uses. */
interface HeaderSender {
  sendMetadata(header: Metadata): void;
}

/**
 * The answer to one unary call, sent once: the response message ({@link UnaryReply.send}) or
 * the status of a failure ({@link UnaryReply.fail}), whichever comes first (or the endpoint's
 * response, which {@link UnaryReply.respond} encodes first); then the
 * finalizers run and the call's context ends. The endpoint's work and the call's end (cancel,
 * deadline) both report here, so the answer needs no promise of its own to race them.
 */
export class UnaryReply<Res, WireRes> {
  private answered = false;
  private readonly scope: ServerCall;
  private readonly call: HeaderSender;
  private readonly callback: sendUnaryData<WireRes>;
  private readonly encode: EncodeResponse<Res, WireRes>;

  constructor(scope: ServerCall, call: HeaderSender, callback: sendUnaryData<WireRes>, encode: EncodeResponse<Res, WireRes>) {
    this.scope = scope;
    this.call = call;
    this.callback = callback;
    this.encode = encode;
  }

  /** Encodes the endpoint's response and answers with it (see {@link UnaryReply.send}); a failure to encode is `INTERNAL`. */
  readonly respond = (response: Res): void => {
    if (this.answered) return;
    try {
      const encoded = this.encode(this.scope.ctx, response);
      if (encoded instanceof Promise) encoded.then(this.send, this.fail);
      else this.send(encoded);
    } catch (thrown) {
      this.fail(thrown); // a non-Kit error here is a bug: INTERNAL
    }
  };

  /** Answers with the response message, unless the call was answered already. */
  readonly send = (message: WireRes): void => {
    if (this.answered) return;
    this.answered = true;
    const scope = this.scope;
    if (scope.hasHeader()) this.call.sendMetadata(scope.header);
    this.callback(null, message, scope.trailerToSend());
    if (scope.hasFinalizers) void scope.finish(undefined);
    else scope.release();
  };

  /** Answers with the status `thrown` makes (see `ServerCall.fail`), unless the call was answered already. */
  readonly fail = (thrown: unknown): void => {
    if (this.answered) return;
    this.answered = true;
    void this.failWith(thrown);
  };

  private async failWith(thrown: unknown): Promise<void> {
    const scope = this.scope;
    const failed: { error: KitError; status: StatusObject } = await scope.fail(thrown);
    this.callback(failed.status);
    await scope.finish(failed.error, failed.status.code);
  }
}
