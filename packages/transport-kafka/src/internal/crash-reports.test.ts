import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { CrashReports } from "./crash-reports.ts";

const refused = new KitError(Code.Unavailable, "Kafka consume topic orders: Connection error: connect ECONNREFUSED 127.0.0.1:9092");
const loading = new KitError(Code.Unavailable, "Kafka consume topic orders: The coordinator is loading and hence can't process requests for this group");

describe("CrashReports", () => {
  it("reports each different crash of an outage once, and its end once, at the first fetch", () => {
    const reported: string[] = [];
    const crashes = new CrashReports("orders", (err) => void reported.push(err.message));
    crashes.fetched(); // no outage: nothing to say
    for (let i = 0; i < 100; i++) crashes.crashed(refused); // kafkajs restarting the consumer about once a second
    crashes.crashed(loading);
    crashes.crashed(loading);
    crashes.fetched();
    crashes.fetched();
    expect(reported).toEqual([refused.message, loading.message, expect.stringMatching(/^Kafka consume topic orders: fetching again, \d+\.\d s after the consumer first crashed \(102 crashes, restarted by kafkajs\); the outage is over$/)]);
  });

  it("reports the same crash again in the next outage", () => {
    const reported: string[] = [];
    const crashes = new CrashReports("orders", (err) => void reported.push(err.message));
    crashes.crashed(refused);
    crashes.fetched();
    crashes.crashed(refused);
    crashes.fetched();
    expect(reported.filter((m) => m === refused.message)).toHaveLength(2);
    expect(reported.filter((m) => m.includes("(1 crash, restarted by kafkajs); the outage is over"))).toHaveLength(2);
  });
});
