// The two ends the conformance suite needs around the proxy, over plain HTTP with Kit's
// conventions: a server running the case's endpoint (JSON in and out, `kit-timeout` as the
// deadline, a client that goes away cancels it, an error as Kit's `{ code, message }` body with
// the code's status, its text to the error handler only) and a client of it (the time left sent
// as `kit-timeout`, a wait bound of its own without a deadline, the error body back as a
// `KitError`). @kit/transport-http is at this package's level, so its server and client cannot
// be a dependency here; these follow what they do, with @kit/transport's helpers.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { background, Code, isCode, KitError, toKitError, withCancel, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { codeFromHttpStatus, httpStatusFromCode, publicError, type ErrorHandler } from "@kit/transport";
import { observeErrors, readTimeout, writeTimeout } from "@kit/transport/driver";
import type { Probe, ProbeReply } from "@kit/transport/testing";

/** Serves `endpoint`: a POSTed probe in, its reply out, or the error as Kit's JSON error body. */
export function probeServer(endpoint: Endpoint<Probe, ProbeReply>, errorHandler: ErrorHandler | undefined): RequestListener {
  const observe = observeErrors(errorHandler);
  return (req, res) => {
    const [root, cancelRoot] = withCancel(background());
    res.once("close", () => {
      if (!res.writableFinished) cancelRoot(new KitError(Code.Canceled, "client disconnected"));
    });
    void answer(root, req, endpoint).then(
      (reply) => {
        write(res, 200, reply);
        cancelRoot();
      },
      (thrown: unknown) => {
        observe(root, toKitError(thrown));
        const shown = publicError(thrown);
        write(res, httpStatusFromCode(shown.code), { code: shown.code, message: shown.message });
        cancelRoot();
      },
    );
  };
}

async function answer(root: Context, req: IncomingMessage, endpoint: Endpoint<Probe, ProbeReply>): Promise<ProbeReply> {
  const ms = readTimeout({ get: (name) => req.headers[name] as string | undefined, set: () => undefined });
  const [ctx, cancel] = ms === undefined ? [root, () => undefined] : withTimeout(root, ms);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return await endpoint(ctx, JSON.parse(Buffer.concat(chunks).toString("utf8")) as Probe);
  } finally {
    cancel();
  }
}

function write(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

/** Calls a {@link probeServer} at `url`; a call without a deadline gives up after `timeout` ms. */
export function probeClient(url: string, timeout = 30_000): Endpoint<Probe, ProbeReply> {
  return async (ctx, probe) => {
    const [call, cancel] = ctx.deadline === undefined ? withTimeout(ctx, timeout) : withCancel(ctx); // a signal of the call's own, unlinked at its end
    try {
      if (call.signal.aborted) throw call.signal.reason as Error;
      const headers = new Headers({ "content-type": "application/json" });
      if (ctx.deadline !== undefined) writeTimeout(ctx, headers);
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(probe), signal: call.signal });
      const body = (await response.json()) as ProbeReply & { code?: unknown; message?: unknown };
      if (response.ok) return body;
      throw new KitError(isCode(body.code) ? body.code : codeFromHttpStatus(response.status), typeof body.message === "string" ? body.message : "");
    } catch (thrown) {
      throw call.signal.aborted ? toKitError(call.signal.reason) : toKitError(thrown, Code.Unavailable);
    } finally {
      cancel();
    }
  };
}
