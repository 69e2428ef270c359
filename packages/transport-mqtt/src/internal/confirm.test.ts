import { afterEach, describe, expect, it, vi } from "vitest";
import { background, Code, withTimeout } from "@kit/endpoint";
import { replyTarget } from "@kit/transport/driver";
import type { MqttClient } from "mqtt";
import { PubackWaits, publishWithin } from "./confirm.ts";

/** A connected client whose PUBACKs come only when the test says. */
function silentBroker(): { client: MqttClient; ack: (n: number) => void } {
  const callbacks: ((err: Error | null) => void)[] = [];
  const client = {
    connected: true,
    publish: (_topic: string, _payload: unknown, _options: unknown, callback: (err: Error | null) => void) => {
      callbacks.push(callback);
    },
  };
  return { client: client as unknown as MqttClient, ack: (n) => callbacks[n]?.(null) };
}

/** What each publish came to so far: "waiting", "confirmed", or the error's code and when it came (ms after the start). */
function watch(calls: Promise<undefined>[], start: number): string[] {
  const outcomes = calls.map(() => "waiting");
  calls.forEach((call, i) => {
    call.then(
      () => (outcomes[i] = "confirmed"),
      (err: unknown) => (outcomes[i] = `${(err as { code: string }).code} at ${String(Date.now() - start)}`),
    );
  });
  return outcomes;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a publisher's PUBACK waits", () => {
  it("end at the timeout in the order they began, except those confirmed meanwhile; a context's deadline bounds its own", async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const broker = silentBroker();
    const waits = new PubackWaits(replyTarget("MQTT topic", "orders", 100));
    const publish = (ctx = background()) => publishWithin(ctx, waits, broker.client, "orders", "{}", { qos: 1 });
    const calls = [publish()];
    await vi.advanceTimersByTimeAsync(30);
    calls.push(publish());
    await vi.advanceTimersByTimeAsync(30);
    calls.push(publish(), publish(withTimeout(background(), 20)[0]));
    const outcomes = watch(calls, start);
    broker.ack(1);
    await vi.advanceTimersByTimeAsync(40); // 100 ms: the first one's time
    expect(outcomes).toEqual(["deadline_exceeded at 100", "confirmed", "waiting", "deadline_exceeded at 80"]);
    await vi.advanceTimersByTimeAsync(59);
    expect(outcomes[2]).toBe("waiting");
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes[2]).toBe("deadline_exceeded at 160");
    await expect(calls[0]).rejects.toMatchObject({ code: Code.DeadlineExceeded, message: "MQTT topic orders: no PUBACK within 100 ms" });
  });

  it("bound a publish that starts after every wait before it ended", async () => {
    vi.useFakeTimers();
    const broker = silentBroker();
    const waits = new PubackWaits(replyTarget("MQTT topic", "orders", 100));
    const first = publishWithin(background(), waits, broker.client, "orders", "{}", { qos: 1 });
    broker.ack(0);
    await expect(first).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(500);
    const start = Date.now();
    const outcomes = watch([publishWithin(background(), waits, broker.client, "orders", "{}", { qos: 1 })], start);
    await vi.advanceTimersByTimeAsync(99);
    expect(outcomes).toEqual(["waiting"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(["deadline_exceeded at 100"]);
  });
});
