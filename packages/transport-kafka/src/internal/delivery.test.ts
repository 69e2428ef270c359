import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { Delivery } from "./delivery.ts";
import { PartitionWork } from "./partition.ts";

const work = new PartitionWork("t", 0);

/** A record produced at `timestamp` with a `kit-timeout` of `timeout`, handed out at `now`. */
function handedOut(timeout: string, timestamp: string, now: number): Delivery {
  const message: KafkaMessage = { offset: "0", key: null, value: Buffer.from("{}"), timestamp, attributes: 0, headers: { "kit-timeout": Buffer.from(timeout) } };
  return new Delivery(work, message, 0, 1, now);
}

describe("Delivery", () => {
  it("takes the record's time in the topic off its kit-timeout, down to 0", () => {
    expect(handedOut("1500", "1733400000000", 1_733_400_000_400).headers.get("kit-timeout")).toBe("1100");
    expect(handedOut("1500", "1733400000000", 1_733_400_009_000).headers.get("kit-timeout")).toBe("0");
  });

  it("leaves kit-timeout as it is without a timestamp, with one ahead of the clock, or when it is malformed", () => {
    expect(handedOut("1500", "-1", 1_733_400_000_400).headers.get("kit-timeout")).toBe("1500");
    expect(handedOut("1500", "1733400000900", 1_733_400_000_400).headers.get("kit-timeout")).toBe("1500");
    expect(handedOut("15s", "1733400000000", 1_733_400_000_400).headers.get("kit-timeout")).toBe("15s"); // the runtime refuses it
    expect(handedOut("123456789", "1733400000000", 1_733_400_000_400).headers.get("kit-timeout")).toBe("123456789");
  });
});
