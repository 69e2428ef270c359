// A Lambda Runtime API (the interface AWS documents as "Using the Lambda runtime API for custom
// runtimes", version 2018-06-01), served on 127.0.0.1 by the tests: what Lambda's own service
// side does for a function, reduced to one function and one invocation at a time. The runtime
// interface client polls GET /runtime/invocation/next, runs the handler, and posts the result to
// /runtime/invocation/{id}/response or /runtime/invocation/{id}/error.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What came back for one invocation. */
export interface Outcome {
  /** `response` (the handler returned) or `error` (it threw, or the event failed to process). */
  readonly kind: "response" | "error";
  /** The posted body, parsed as JSON. */
  readonly body: unknown;
  /** The `Lambda-Runtime-Function-Error-Type` header of an error. */
  readonly errorType: string | undefined;
}

interface Pending {
  readonly id: string;
  readonly event: string;
  readonly deadline: number;
  readonly resolve: (outcome: Outcome) => void;
}

/** The Runtime API server, and `invoke` to hand the polling client an event. */
export class RuntimeApi {
  readonly #server = http.createServer((req, res) => {
    this.#route(req, res).catch(() => res.destroy());
  });
  readonly #queue: Pending[] = [];
  readonly #waiting: ((next: Pending) => void)[] = [];
  readonly #inFlight = new Map<string, Pending>();
  /** Errors the runtime reported before any invocation (`/runtime/init/error`). */
  readonly initErrors: unknown[] = [];
  #ids = 0;

  /** Listens on 127.0.0.1:`port`; resolves with the `host:port` for `AWS_LAMBDA_RUNTIME_API`. */
  async listen(port: number): Promise<string> {
    this.#server.listen(port, "127.0.0.1");
    await once(this.#server, "listening");
    return `127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
  }

  /** Queues an event (JSON text, sent as it is) with `ms` to run; resolves with what the client posted. */
  invoke(event: string, ms = 10_000): Promise<Outcome> {
    return new Promise((resolve) => {
      this.#ids += 1;
      const pending = { id: `req-${String(this.#ids)}`, event, deadline: Date.now() + ms, resolve };
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#queue.push(pending);
      else waiter(pending);
    });
  }

  /** Closes the server and every connection the client holds. */
  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? "";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method === "GET" && url === "/2018-06-01/runtime/invocation/next") {
      const next = this.#queue.shift() ?? (await new Promise<Pending>((resolve) => this.#waiting.push(resolve)));
      this.#inFlight.set(next.id, next);
      res.writeHead(200, {
        "content-type": "application/json",
        "lambda-runtime-aws-request-id": next.id,
        "lambda-runtime-deadline-ms": String(next.deadline),
        "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:123456789012:function:kit",
        "lambda-runtime-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
      });
      res.end(next.event);
      return;
    }
    const done = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === "POST" && done !== null) {
      const id = decodeURIComponent(done[1] ?? "");
      const pending = this.#inFlight.get(id);
      this.#inFlight.delete(id);
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      const errorType = req.headers["lambda-runtime-function-error-type"];
      pending?.resolve({ kind: done[2] as "response" | "error", body: parse(body), errorType: typeof errorType === "string" ? errorType : undefined });
      return;
    }
    if (req.method === "POST" && url === "/2018-06-01/runtime/init/error") {
      this.initErrors.push(parse(body));
      res.writeHead(202).end();
      return;
    }
    res.writeHead(404).end();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
