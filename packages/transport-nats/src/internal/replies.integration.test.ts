// The publishers' request/reply (one reply subscription per connection) against the real NATS
// server, plus a second server of the test's own, started with permissions, for a refused publish.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { background, isKitError, type KitError } from "@kit/endpoint";
import { freePort, until } from "@kit/test-support";
import type { Message } from "@kit/transport";
import { replyTarget } from "@kit/transport/driver";
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, natsUrl, sleep, unique } from "../../test/support.ts";
import { request as requestOn } from "./replies.ts";

/** A request with a budget and no deadline, as a publisher with `timeout: budget` makes on `background()`. */
// eslint-disable-next-line max-params -- nc.request's own arguments
function request(nc: NatsConnection, subject: string, data: Uint8Array, headers: MsgHdrs | undefined, budget: number): Promise<Message> {
  return requestOn(nc, background(), replyTarget("NATS", subject, budget), data, headers);
}

const text = new TextEncoder();
const read = new TextDecoder();

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected the request to fail");
}

describe("request (one reply subscription per connection)", () => {
  let nc: NatsConnection;
  let subject: string;

  beforeEach(async () => {
    nc = await connectNats();
    subject = unique("kit.replies");
  });

  afterEach(async () => {
    if (!nc.isClosed()) await nc.close();
  });

  it("brings back each request's own reply, headers included, with many in flight", async () => {
    nc.subscribe(subject, {
      callback: (_err, msg) => {
        const hdrs = natsHeaders();
        hdrs.set("echo-of", msg.headers?.get("n") ?? "none");
        msg.respond(msg.data, { headers: hdrs });
      },
    });
    await nc.flush();
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const hdrs = natsHeaders();
        hdrs.set("n", String(i));
        return request(nc, subject, text.encode(`call ${String(i)}`), hdrs, 5_000);
      }),
    );
    replies.forEach((reply, i) => {
      expect(read.decode(reply.body)).toBe(`call ${String(i)}`);
      expect(reply.headers.get("echo-of")).toBe(String(i));
    });
  });

  it("fails at once with unavailable when no one serves the subject", async () => {
    const started = Date.now();
    const err = await failure(request(nc, subject, text.encode("x"), undefined, 5_000));
    expect(err.code).toBe("unavailable");
    expect(err.message).toContain(subject);
    expect(err.message).toContain("no responders");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("fails with deadline_exceeded at its budget, and a reply that comes later is ignored", async () => {
    const held: { respond: () => void }[] = [];
    nc.subscribe(subject, {
      callback: (_err, msg) => {
        held.push({
          respond: () => {
            msg.respond(text.encode("late"));
          },
        });
      },
    });
    await nc.flush();
    const started = Date.now();
    const err = await failure(request(nc, subject, text.encode("x"), undefined, 300));
    const took = Date.now() - started;
    expect(err.code).toBe("deadline_exceeded");
    expect(err.message).toBe(`NATS ${subject}: no reply within 300 ms`);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2_000);
    for (const late of held) late.respond();
    await nc.flush();
    // The connection still serves requests after the late reply.
    nc.subscribe(`${subject}.next`, {
      callback: (_err, msg) => {
        msg.respond(msg.data);
      },
    });
    await nc.flush();
    const reply = await request(nc, `${subject}.next`, text.encode("after"), undefined, 5_000);
    expect(read.decode(reply.body)).toBe("after");
  });

  it("fails what waits with unavailable when the connection closes, and later requests at once", async () => {
    nc.subscribe(subject, { callback: () => undefined }); // never answers
    await nc.flush();
    const waiting = failure(request(nc, subject, text.encode("x"), undefined, 30_000));
    await sleep(50);
    await nc.close();
    const err = await waiting;
    expect(err.code).toBe("unavailable");
    const after = await failure(request(nc, subject, text.encode("x"), undefined, 30_000));
    expect(after.code).toBe("unavailable");
  });

  it("uses the connection's inboxPrefix for reply subjects", async () => {
    const prefixed = await connect({ servers: natsUrl, inboxPrefix: "_KIT_TEST_INBOX", timeout: 5_000 });
    try {
      let replyTo = "";
      prefixed.subscribe(subject, {
        callback: (_err, msg) => {
          replyTo = msg.reply ?? "";
          msg.respond(msg.data);
        },
      });
      await prefixed.flush();
      await request(prefixed, subject, text.encode("x"), undefined, 5_000);
      expect(replyTo.startsWith("_KIT_TEST_INBOX.")).toBe(true);
    } finally {
      await prefixed.close();
    }
  });
});

/** The nats-server binary: NATS_SERVER_BIN, else the Debian package's. */
const serverBin = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";


describe("request on a server that refuses the publish", () => {
  let server: ChildProcess | undefined;
  let port = 0;

  beforeEach(async () => {
    if (!existsSync(serverBin)) throw new Error(`nats-server is needed at ${serverBin} (set NATS_SERVER_BIN)`);
    port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "kit-nats-perm-"));
    const config = join(dir, "server.conf");
    writeFileSync(
      config,
      `listen: "127.0.0.1:${String(port)}"\nauthorization { users = [ { user: kit, password: kit, permissions: { publish: { deny: ["secret.>"] } } } ] }\n`,
    );
    server = spawn(serverBin, ["-c", config], { stdio: "ignore" });
    await until(
      "the second nats-server",
      async () => {
        try {
          const probe = await connect({ servers: `127.0.0.1:${String(port)}`, user: "kit", pass: "kit", timeout: 500 });
          await probe.close();
          return true;
        } catch {
          return false;
        }
      },
    );
  });

  afterEach(() => {
    server?.kill();
  });

  it("fails with permission_denied when the server refuses it, without waiting for the budget", async () => {
    const nc = await connect({ servers: `127.0.0.1:${String(port)}`, user: "kit", pass: "kit", timeout: 5_000 });
    try {
      const started = Date.now();
      const err = await failure(request(nc, "secret.plans", text.encode("x"), undefined, 10_000));
      expect(err.code).toBe("permission_denied");
      expect(err.message).toContain("secret.plans");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await nc.close();
    }
  });
});
