/**
 * A readiness probe for a server with an HTTP health path: whether a GET of `path` on
 * `http://127.0.0.1:<port>` answers 2xx within 2 s. A refused connection or a timeout
 * throws, which `startOwnBroker`'s `ready` counts as not yet (and keeps as the cause of a
 * start that timed out).
 *
 * @param path - the health path, such as `/-/ready` (Prometheus) or `/health` (Zipkin)
 * @returns the probe, for `startOwnBroker`'s `ready`
 *
 * @example
 * ```ts
 * const ready = answersHttp("/health"); // startOwnBroker({ …, ready })
 * ```
 */
export function answersHttp(path: string): (port: number) => Promise<boolean> {
  return async (port) => {
    const response = await fetch(`http://127.0.0.1:${String(port)}${path}`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  };
}
