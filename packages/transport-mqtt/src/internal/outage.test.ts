import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { OutageReports } from "./outage.ts";

const refused = new KitError(Code.Unavailable, "MQTT connection for kit/orders: connect ECONNREFUSED 127.0.0.1:1883");

describe("OutageReports", () => {
  it("reports the loss, each different error of the outage once, and the reconnection that ends it", () => {
    const reported: string[] = [];
    const outage = new OutageReports("connection for kit/orders", (err) => void reported.push(err.message));
    outage.connected(false); // the first connection: no outage to end
    outage.lost(16);
    for (let i = 0; i < 600; i++) outage.failed(refused); // mqtt.js trying every reconnectPeriod
    outage.connected(true);
    expect(reported).toEqual([
      "MQTT connection for kit/orders lost; 16 unacknowledged messages wait for the session's next connection",
      refused.message,
      expect.stringMatching(/^MQTT connection for kit\/orders: reconnected after \d+\.\d s and 600 failed tries; the broker resumed the session; the outage is over$/),
    ]);
  });

  it("says when the broker started a new session, and reports every error while connected", () => {
    const reported: string[] = [];
    const outage = new OutageReports("connection for kit/orders", (err) => void reported.push(err.message));
    outage.failed(refused);
    outage.failed(refused);
    outage.lost(0);
    outage.connected(false);
    expect(reported).toHaveLength(4);
    expect(reported[3]).toMatch(/reconnected after \d+\.\d s; the broker started a new session \(what the old one held is gone\); the outage is over$/);
  });
});
