import { until } from "@kit/test-support";
import type { Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { AbandonedMembers } from "./abandoned-members.ts";

/**
 * A stand-in for kafkajs's `Kafka` with the symbol-keyed cluster factory the class uses: its
 * coordinator fails `failures` times (a broker away), then answers. The restart tests
 * (test/restart.integration.test.ts, the conformance suite's broker-restart case) run the class
 * against a real broker.
 */
function kafkaWhoseBrokerAnswersAfter(failures: number, answer: (memberId: string) => void = () => undefined) {
  const leaves: string[] = [];
  let disconnects = 0;
  const cluster = {
    connect: () => Promise.resolve(),
    disconnect: () => {
      disconnects += 1;
      return Promise.resolve();
    },
    findGroupCoordinator: () =>
      Promise.resolve({
        leaveGroup: ({ memberId }: { groupId: string; memberId: string }) => {
          leaves.push(memberId);
          if (leaves.length <= failures) return Promise.reject(Object.assign(new Error("Connection error: connect ECONNREFUSED"), { retriable: true }));
          answer(memberId);
          return Promise.resolve();
        },
      }),
  };
  const kafka = { [Symbol("private:Kafka:createCluster")]: () => cluster } as unknown as Kafka;
  return { kafka, leaves, disconnects: () => disconnects };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("AbandonedMembers", () => {
  it("leaves for the member a crash abandoned, attempt after attempt until the broker answers, then closes its connections", async () => {
    const broker = kafkaWhoseBrokerAnswersAfter(2);
    const members = new AbandonedMembers(broker.kafka, "billing");
    members.joined("member-1");
    members.crashed();
    members.crashed(); // kafkajs's restarts crash again while the broker is away: still one member to leave for
    await until("its connections closed", () => broker.disconnects() > 0, { timeout: 5_000 }); // two failed attempts 500 ms apart, then the one that answers; 5 s, as a loaded machine runs timers late
    expect(broker.leaves).toEqual(["member-1", "member-1", "member-1"]);
    expect(broker.disconnects()).toBe(1);
  });

  it("stops when a join shows the member is out of the group, and sends nothing before a crash", async () => {
    const broker = kafkaWhoseBrokerAnswersAfter(100);
    const members = new AbandonedMembers(broker.kafka, "billing");
    members.crashed(); // no join yet: no member to leave for
    await settle(50);
    expect(broker.leaves).toEqual([]);
    members.joined("member-1");
    members.crashed();
    await settle(50);
    members.joined("member-2"); // the group formed again without member-1
    await settle(700);
    expect(broker.leaves).toEqual(["member-1"]);
  });

  it("gives up at once, without a spin, on a kafkajs without the cluster factory (the old member then goes when its session runs out)", async () => {
    const members = new AbandonedMembers({} as unknown as Kafka, "billing");
    members.joined("member-1");
    members.crashed();
    // A loop of attempts that never waits would hold the event loop: no timer would fire again.
    await expect(settle(50).then(() => "timers still run")).resolves.toBe("timers still run");
  });

  it("sends no attempt after close()", async () => {
    const broker = kafkaWhoseBrokerAnswersAfter(100);
    const members = new AbandonedMembers(broker.kafka, "billing");
    members.joined("member-1");
    members.crashed();
    await settle(50);
    members.close();
    await settle(700);
    expect(broker.leaves).toEqual(["member-1"]);
    expect(broker.disconnects()).toBe(1);
  });
});
