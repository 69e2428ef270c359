/**
 * The URL of the route `path` on the server at `base`, for a `client`: a path in `base`
 * is kept as a prefix (without its trailing slashes), its query and fragment are dropped.
 * `base` is not changed.
 *
 * @param base - the server, such as `"http://127.0.0.1:8080"` or `"https://example.com/api/"`
 * @param path - the route's path, starting with `/` (`""` for the base's own path)
 *
 * @example
 * ```ts
 * routeURL("https://example.com/api/", "/sum").href; // "https://example.com/api/sum"
 * const sum = client("POST", routeURL(baseUrl, "/sum"), encodeJSONRequest, decodeJSONResponse());
 * ```
 */
export function routeURL(base: string | URL, path: string): URL {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  url.search = "";
  url.hash = "";
  return url;
}
