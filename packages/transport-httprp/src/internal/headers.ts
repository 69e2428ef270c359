import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";

/**
 * The hop-by-hop headers RFC 9110 (section 7.6.1) says a proxy must not forward, plus the
 * obsolete ones Go's `httputil.ReverseProxy` also drops. Any header a `Connection` header names
 * is hop-by-hop too.
 */
const hopByHop = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The headers of `headers` that may cross the proxy: all but the hop-by-hop ones. */
export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(hopByHop);
  for (const token of (headers.connection ?? "").split(",")) named.add(token.trim().toLowerCase());
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !named.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * The headers to send upstream: the request's end-to-end headers, with `X-Forwarded-For`
 * (the client's address appended to any the request had), `X-Forwarded-Host` and
 * `X-Forwarded-Proto` (`https` when the client came over TLS) set, as Go's `ReverseProxy` and
 * most proxies do.
 */
export function upstreamHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers = endToEnd(req.headers);
  delete headers["kit-timeout"]; // the proxy sends what is left of it
  const client = req.socket.remoteAddress;
  if (client !== undefined) {
    const prior = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior === undefined ? client : `${Array.isArray(prior) ? prior.join(", ") : prior}, ${client}`;
  }
  if (req.headers.host !== undefined) headers["x-forwarded-host"] = req.headers.host;
  headers["x-forwarded-proto"] = "encrypted" in req.socket && req.socket.encrypted === true ? "https" : "http";
  return headers;
}
