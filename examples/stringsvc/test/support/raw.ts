// Raw HTTP calls, exactly as given: any method (a GET with a body, as Go kit's client sends),
// only the headers listed.
import http from "node:http";

/** What {@link raw} got back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One HTTP request sent with node:http exactly as given: any method (GET with a body, as Go
 * kit's wiring_test.go sends), only the headers listed (no content-type unless given).
 */
export function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    // Explicit, so a GET carries its body too (node:http would not frame it otherwise).
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method: options.method ?? "POST", headers, timeout: 5_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", reject);
    req.end(options.body);
  });
}
