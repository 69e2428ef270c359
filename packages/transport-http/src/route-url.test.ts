import { describe, expect, it } from "vitest";
import { routeURL } from "./route-url.ts";

describe("routeURL", () => {
  it("appends the route to the base's path, without its trailing slashes, query or fragment", () => {
    expect(routeURL("http://127.0.0.1:8080", "/sum").href).toBe("http://127.0.0.1:8080/sum");
    expect(routeURL("https://example.com/api//?x=1#top", "/sum").href).toBe("https://example.com/api/sum");
    expect(routeURL(new URL("http://h/api/"), "").href).toBe("http://h/api");
  });

  it("leaves a URL it is given unchanged, and refuses a base that is no URL", () => {
    const base = new URL("http://h/api?x=1");
    routeURL(base, "/sum");
    expect(base.href).toBe("http://h/api?x=1");
    expect(() => routeURL("not a url", "/sum")).toThrow(TypeError);
  });
});
