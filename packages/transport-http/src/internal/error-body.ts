/** The most of an error response's body a client reads. */
export const maxErrorBody: number = 64 * 1024;

/**
 * The response with its body cut after {@link maxErrorBody} bytes (the rest is never read),
 * and the same status, status text, headers, URL and `redirected`: what an error decoder gets,
 * so that no decoder reads an endless body.
 */
export function withBoundedBody(response: Response): Response {
  if (response.body === null) return response;
  const { status, statusText, headers, ok, url, redirected } = response;
  // The constructor takes a status in 200–599 only, where a server may send up to 999; the
  // real one is set on the copy below.
  const bounded = new Response(truncated(response.body as AsyncIterable<Uint8Array>, maxErrorBody), {
    status: Math.min(Math.max(status, 200), 599),
    statusText,
    headers,
  });
  Object.defineProperties(bounded, {
    status: { value: status },
    ok: { value: ok },
    url: { value: url },
    redirected: { value: redirected },
  });
  return bounded;
}

/** The start of the response's body as text: at most {@link maxErrorBody} bytes of it. */
export async function readErrorText(response: Response): Promise<string> {
  if (response.body === null) return "";
  return new Response(truncated(response.body as AsyncIterable<Uint8Array>, maxErrorBody)).text();
}

/** The first `limit` bytes of `body`; reaching the limit, or leaving early, cancels the rest. */
async function* truncated(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let left = limit;
  for await (const chunk of body) {
    yield chunk.byteLength <= left ? chunk : chunk.subarray(0, left);
    left -= Math.min(chunk.byteLength, left);
    if (left === 0) return;
  }
}
