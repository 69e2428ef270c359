/**
 * An HTTP reverse proxy for Kit, Go kit's `transport/httprp`: forwards requests to a target
 * with hooks on the way out and back, streaming bodies both ways, hop-by-hop headers removed,
 * `X-Forwarded-*` set, `kit-timeout` and trace context forwarded.
 *
 * @packageDocumentation
 */
export { proxy, type ProxyAfter, type ProxyBefore, type ProxyFinalizer, type ProxyOptions, type ProxyOutcome, type ProxyRequest } from "./proxy.ts";
