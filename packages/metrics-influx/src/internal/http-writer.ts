import { Buffer } from "node:buffer";

/** What became of one write: delivered, worth retrying (5xx, 429, network), or refused for good. */
export type Outcome = "ok" | "retry" | "drop";

/** Posts line protocol to one InfluxDB write URL. */
export class HttpWriter {
  private readonly url: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeout: number;
  private readonly onError: (err: Error) => void;

  constructor(url: URL, authorization: string | undefined, timeout: number, onError: (err: Error) => void) {
    this.url = url.href;
    this.headers =
      authorization === undefined
        ? { "content-type": "text/plain; charset=utf-8" }
        : { "content-type": "text/plain; charset=utf-8", authorization };
    this.timeout = timeout;
    this.onError = onError;
  }

  /** Posts `body`; reports any failure to `onError` and says whether it is worth retrying. */
  async write(body: string, lines: number): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: this.headers,
        body,
        signal: AbortSignal.timeout(this.timeout),
      });
    } catch (err) {
      this.onError(new Error(`influx: writing ${String(lines)} lines to ${this.url} failed: ${message(err)}`, { cause: err }));
      return "retry";
    }
    if (response.ok) {
      await response.body?.cancel();
      return "ok";
    }
    const text = (await response.text().catch(() => "")).slice(0, 500);
    const retry = response.status >= 500 || response.status === 429 || response.status === 408;
    this.onError(
      new Error(
        `influx: writing ${String(lines)} lines to ${this.url} failed: ${String(response.status)} ${response.statusText}` +
          `${text === "" ? "" : `: ${text}`}${retry ? "; kept for the next flush" : "; dropped"}`,
      ),
    );
    return retry ? "retry" : "drop";
  }
}

/** The write URL for v2 (`/api/v2/write?org=&bucket=&precision=ms`) or v1 (`/write?db=&rp=&precision=ms`). */
export function writeUrl(base: string, path: string, params: Readonly<Record<string, string | undefined>>): URL {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** `Basic base64(user:password)`. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return err.message + cause;
  }
  return String(err);
}
