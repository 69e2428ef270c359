import { describe, expect, it } from "vitest";
import { isTopicFilter, isTopicName, topicMatcher } from "./topics.ts";

describe("topicMatcher", () => {
  it("matches as MQTT does: + one level, # the rest, $ topics not by a leading wildcard", () => {
    const cases: [string, string, boolean][] = [
      ["orders", "orders", true],
      ["orders", "orders/1", false],
      ["orders/+", "orders/1", true],
      ["orders/+", "orders/1/2", false],
      ["orders/+/placed", "orders/7/placed", true],
      ["orders/#", "orders", true],
      ["orders/#", "orders/1/2", true],
      ["#", "anything/at/all", true],
      ["#", "$SYS/broker", false],
      ["+/broker", "$SYS/broker", false],
      ["+", "", true],
    ];
    for (const [filter, topic, want] of cases) expect([filter, topic, topicMatcher(filter)(topic)]).toEqual([filter, topic, want]);
  });

  it("tells topic names and filters apart from malformed ones", () => {
    expect([isTopicName("a/b"), isTopicName("a/+"), isTopicName("a/#"), isTopicName(""), isTopicName("a\u0000")]).toEqual([true, false, false, false, false]);
    expect([isTopicFilter("a/+/c"), isTopicFilter("a/#"), isTopicFilter("a/#/b"), isTopicFilter("a+"), isTopicFilter("#"), isTopicFilter("")]).toEqual([true, true, false, false, true, false]);
  });
});
