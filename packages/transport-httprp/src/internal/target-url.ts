/**
 * Where a request goes upstream, as Go's `NewSingleHostReverseProxy` joins them: the target's
 * origin, the target's path joined to the request's with exactly one slash, and both queries.
 *
 * @param target - the upstream base URL, such as `http://127.0.0.1:8081/api`
 * @param requestUrl - the request's URL as the client sent it (`/v1/sum?x=1`)
 */
export function upstreamUrl(target: URL, requestUrl: string): URL {
  const incoming = new URL(requestUrl, "http://placeholder");
  const url = new URL(target);
  const base = target.pathname.endsWith("/") ? target.pathname.slice(0, -1) : target.pathname;
  url.pathname = base + (incoming.pathname.startsWith("/") ? incoming.pathname : `/${incoming.pathname}`);
  const query = [target.search.slice(1), incoming.search.slice(1)].filter((part) => part !== "").join("&");
  url.search = query === "" ? "" : `?${query}`;
  return url;
}
