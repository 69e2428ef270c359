// A real HTTP server on 127.0.0.1 standing in for InfluxDB's write API, and a line protocol parser.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface Point {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, number>;
  readonly timestamp: number;
}

export interface Write {
  readonly method: string;
  /** The path and query, such as `/api/v2/write?org=acme&bucket=svc&precision=ms`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the server answered with. */
  readonly status: number;
}

export interface InfluxDb {
  readonly url: string;
  /** Every write request received so far, failed ones included. */
  readonly writes: Write[];
  /** The points of the writes answered 204, in order. */
  points(): Point[];
  /** Answers the next requests with these statuses (then 204 again). */
  failNext(...statuses: number[]): void;
  /** Waits (at most `timeoutMs`) until `count` requests have arrived in all; returns them all. */
  waitFor(count: number, timeoutMs?: number): Promise<Write[]>;
  close(): Promise<void>;
}

/** Splits on `sep` where it is not escaped with a backslash. */
function split(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "\\" && i + 1 < text.length && ", =".includes(text[i + 1] ?? "")) {
      current += c + (text[i + 1] ?? "");
      i++;
    } else if (c === sep) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

const unescape = (text: string): string => text.replace(/\\([, =])/g, "$1");

/** Parses one line of line protocol with float fields, throwing on anything else. */
export function parse(line: string): Point {
  const parts = split(line, " ");
  if (parts.length !== 3) throw new Error(`expected "measurement,tags fields timestamp": ${JSON.stringify(line)}`);
  const [series = "", fieldSet = "", time = ""] = parts;
  const [measurement = "", ...tagPairs] = split(series, ",");
  const tags: Record<string, string> = {};
  for (const pair of tagPairs) {
    const kv = split(pair, "=");
    if (kv.length !== 2 || kv[1] === "") throw new Error(`bad tag ${JSON.stringify(pair)} in ${JSON.stringify(line)}`);
    tags[unescape(kv[0] ?? "")] = unescape(kv[1] ?? "");
  }
  const fields: Record<string, number> = {};
  for (const pair of split(fieldSet, ",")) {
    const kv = split(pair, "=");
    const value = Number(kv[1]);
    if (kv.length !== 2 || !/^-?[0-9.]+(e[-+]?\d+)?$/.test(kv[1] ?? "") || !Number.isFinite(value)) {
      throw new Error(`bad float field ${JSON.stringify(pair)} in ${JSON.stringify(line)}`);
    }
    fields[unescape(kv[0] ?? "")] = value;
  }
  if (!/^\d+$/.test(time)) throw new Error(`bad timestamp in ${JSON.stringify(line)}`);
  return { measurement: unescape(measurement), tags, fields, timestamp: Number(time) };
}

/** Every line of a body, parsed; a body must end with a newline. */
export function parseBody(body: string): Point[] {
  if (!body.endsWith("\n")) throw new Error(`body does not end with a newline: ${JSON.stringify(body)}`);
  return body.slice(0, -1).split("\n").map(parse);
}

export async function influxdb(): Promise<InfluxDb> {
  const writes: Write[] = [];
  const statuses: number[] = [];
  let wake: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const status = statuses.shift() ?? 204;
      writes.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status,
      });
      if (status === 204) res.writeHead(204).end();
      else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code: "internal error", message: "boom" }));
      wake?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    writes,
    points: () => writes.filter((w) => w.status === 204).flatMap((w) => parseBody(w.body)),
    failNext: (...s) => statuses.push(...s),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (writes.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${String(count)} writes, got ${String(writes.length)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return writes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Resolves after `ms`: only for checking that nothing more arrives. */
export const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
