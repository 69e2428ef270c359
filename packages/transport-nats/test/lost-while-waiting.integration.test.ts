// A request in flight when the connection is lost, on a nats-server of the test's own
// (test/own-nats.ts, port 19130; the shared server is never touched): a core request whose
// subscriber holds it unanswered, and a JetStream publish waiting for its stream's
// acknowledgement from the server, frozen (SIGSTOP) and then killed. Both fail with `unavailable` as soon as the client sees the server go, not at
// their 30 s wait bound (the client would keep them waiting through the outage).
import { background, Code, isKitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { jetstreamPublisher } from "../src/jetstream-publisher.ts";
import { publisher } from "../src/publisher.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnNats } from "./own-nats.ts";

let server: OwnBroker;

beforeAll(async () => {
  server = await startOwnNats({ port: 19_130 });
}, 60_000);

afterAll(async () => {
  await server.destroy("SIGKILL");
});

/** How a call ended: its code, and how long after the server went it ended. */
async function outcome(call: Promise<unknown>, away: () => number): Promise<{ code: string | undefined; msAfterLoss: number }> {
  try {
    await call;
    return { code: undefined, msAfterLoss: Date.now() - away() };
  } catch (err) {
    return { code: isKitError(err) ? err.code : String(err), msAfterLoss: Date.now() - away() };
  }
}

it("fails a core request and a JetStream publish that wait for an answer when the connection is lost, with unavailable, within a second", { timeout: 60_000 }, async () => {
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  try {
    nc.subscribe("kit.held", { callback: () => undefined }); // takes the request, never answers
    await (await jetstreamManager(nc)).streams.add({ name: "KIT_LOST", subjects: ["kit.lost.>"] });
    await nc.flush();
    const request = publisher(nc, "kit.held", encodeJSONMessage, decodeJSONMessage());
    const publish = jetstreamPublisher(nc, "kit.lost.one", encodeJSONMessage, undefined, { timeout: 30_000 });
    let lostAt = 0;
    const requested = outcome(request(background(), { n: 1 }), () => lostAt);
    await nc.flush(); // the request reached the subscriber, which holds it
    // The JetStream publish goes to a frozen server, so it waits for an acknowledgement that never
    // comes (sent as the server stopped, it was acknowledged first now and then on a loaded
    // machine); then the server dies, and the client sees the connection go.
    server.freeze();
    const published = outcome(publish(background(), { n: 2 }), () => lostAt);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the publish is on the wire, unanswered
    const stopping = server.restart({ downtime: 2_000, signal: "SIGKILL" });
    lostAt = Date.now();
    const [req, pub] = await Promise.all([requested, published]);
    await stopping;
    expect(req.code).toBe(Code.Unavailable);
    expect(req.msAfterLoss).toBeLessThan(1_000);
    expect(pub.code).toBe(Code.Unavailable);
    expect(pub.msAfterLoss).toBeLessThan(1_000);
  } finally {
    await nc.close();
  }
});
