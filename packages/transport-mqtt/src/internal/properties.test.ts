import { describe, expect, it } from "vitest";
import { UserPropertyHeaders, type UserProperties } from "./properties.ts";

/** User properties as mqtt-packet parses them: an object without a prototype, a repeated name's values in an array. */
function parsed(entries: Record<string, string | string[]>): UserProperties {
  return Object.assign(Object.create(null) as UserProperties, entries);
}

describe("a received message's user properties as headers", () => {
  it("reads lower-case names as they came, the first value of a repeated name, nothing for a name not sent", () => {
    const headers = new UserPropertyHeaders(parsed({ "content-type": "application/json", "kit-trace": ["a", "b"] }));
    expect([headers.get("content-type"), headers.get("kit-trace"), headers.get("kit-timeout"), headers.get("constructor")]).toEqual([
      "application/json",
      "a",
      undefined,
      undefined,
    ]);
    expect([...headers.toMap()]).toEqual([
      ["content-type", "application/json"],
      ["kit-trace", "a"],
    ]);
  });

  it("lower-cases names, keeping the first of those that differ only in case", () => {
    const headers = new UserPropertyHeaders(parsed({ "Content-Type": "text/plain", "content-type": "application/json", "Kit-Timeout": "1500" }));
    expect([headers.get("content-type"), headers.get("kit-timeout"), headers.get("Content-Type")]).toEqual(["text/plain", "1500", undefined]);
  });

  it("keeps a header set on them, and what toMap gave sees it too", () => {
    const headers = new UserPropertyHeaders(parsed({ "kit-timeout": "1500" }));
    const map = headers.toMap();
    headers.set("kit-timeout", "900");
    expect([headers.get("kit-timeout"), map.get("kit-timeout")]).toEqual(["900", "900"]);
    const none = new UserPropertyHeaders(undefined);
    expect(none.get("kit-timeout")).toBeUndefined();
    none.set("kit-attempts", "2");
    expect([...none.toMap()]).toEqual([["kit-attempts", "2"]]);
  });
});
