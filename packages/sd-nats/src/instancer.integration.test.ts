// Against the real NATS server on 127.0.0.1:4222 (NATS_URL overrides): services registered
// with @nats-io/services, in this process and in a child process that is killed.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Svcm, type Service } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointer, type InstancerEvent } from "@kit/sd";
import { until } from "@kit/test-support";
import { natsInstancer } from "./instancer.ts";

const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers, timeout: 5_000 });
});
afterAll(async () => {
  await nc.close();
});

function addService(name: string, http: string): Promise<Service> {
  return new Svcm(nc).add({ name, version: "1.0.0", metadata: { http } });
}

/** The last event an instancer sent, kept up to date. */
function watch(instancer: { subscribe(l: (e: InstancerEvent) => void): () => void }): { last: () => InstancerEvent | undefined } {
  let last: InstancerEvent | undefined;
  instancer.subscribe((event) => {
    last = event;
  });
  return { last: () => last };
}

const instancesOf = (event: InstancerEvent | undefined): readonly string[] | undefined => event?.instances;

describe("natsInstancer", () => {
  it("reports every running instance, and the endpointer follows when one stops", async () => {
    const name = `kit_sd_${randomUUID().slice(0, 8)}`;
    const services = await Promise.all(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"].map((addr) => addService(name, addr)));
    const instancer = natsInstancer(nc, name, { interval: 300, window: 150, instance: (info) => info.metadata?.http });
    const made: string[] = [];
    const closed: string[] = [];
    const endpoints = endpointer(instancer, (addr) => {
      made.push(addr);
      return {
        endpoint: () => Promise.resolve(addr),
        close: () => {
          closed.push(addr);
        },
      };
    });
    try {
      await until("three endpoints", () => endpoints.endpoints().length === 3, { timeout: 5_000 });
      expect([...made].sort()).toEqual(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]);

      await services[1]?.stop();
      await until("the stopped instance to be dropped", () => endpoints.endpoints().length === 2, { timeout: 5_000 });
      expect(closed).toEqual(["127.0.0.1:9002"]);
    } finally {
      await endpoints.close();
      instancer.stop();
      await Promise.all(services.map((s) => s.stop().catch(() => undefined)));
    }
  });

  it("uses each instance's id by default, and leaves out other services", async () => {
    const name = `kit_sd_${randomUUID().slice(0, 8)}`;
    const mine = await addService(name, "a");
    const other = await addService(`${name}_other`, "b");
    const instancer = natsInstancer(nc, name, { interval: 300, window: 150 });
    const seen = watch(instancer);
    try {
      await until("one instance", () => instancesOf(seen.last())?.length === 1, { timeout: 5_000 });
      expect(instancesOf(seen.last())).toEqual([mine.info().id]);
    } finally {
      instancer.stop();
      await mine.stop();
      await other.stop();
    }
  });

  it("reports no instances, not an error, when none runs", async () => {
    const instancer = natsInstancer(nc, `kit_sd_${randomUUID().slice(0, 8)}`, { interval: 300, window: 100 });
    const seen = watch(instancer);
    try {
      await until("a first event", () => seen.last() !== undefined, { timeout: 5_000 });
      expect(seen.last()).toEqual({ instances: [] });
    } finally {
      instancer.stop();
    }
  });

  it("drops an instance whose process was killed", async () => {
    const name = `kit_sd_${randomUUID().slice(0, 8)}`;
    const script = fileURLToPath(new URL("../test/register.ts", import.meta.url));
    const child: ChildProcess = spawn(process.execPath, [script, servers, name], { stdio: ["ignore", "pipe", "inherit"] });
    const instancer = natsInstancer(nc, name, { interval: 300, window: 150 });
    const seen = watch(instancer);
    try {
      const [line] = (await once(child.stdout!, "data")) as [Buffer];
      const id = line.toString().trim();
      await until("the child's instance to be registered", () => instancesOf(seen.last())?.includes(id) === true, { timeout: 5_000 });

      child.kill("SIGKILL");
      await once(child, "exit");
      await until("the killed instance to be gone", () => instancesOf(seen.last())?.length === 0, { timeout: 5_000 });
      expect(seen.last()).toEqual({ instances: [] });
    } finally {
      instancer.stop();
      child.kill("SIGKILL");
    }
  });

  it("reports an error when its connection is closed, and sends nothing after stop", async () => {
    const own = await connect({ servers, timeout: 5_000 });
    const instancer = natsInstancer(own, `kit_sd_${randomUUID().slice(0, 8)}`, { interval: 200, window: 50 });
    const events: InstancerEvent[] = [];
    instancer.subscribe((event) => events.push(event));
    await until("a first event", () => events.length === 1, { timeout: 5_000 });
    await own.close();
    await until("an error event", () => events.some((event) => event.error !== undefined), { timeout: 5_000 });
    expect(events.find((event) => event.error)?.error?.message).toMatch(/connection (is )?closed/);

    instancer.stop();
    const count = events.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events).toHaveLength(count);
  });

  it("refuses a window that is not shorter than the interval, and a name with wildcards", () => {
    expect(() => natsInstancer(nc, "addsvc", { interval: 100, window: 100 })).toThrow(/window < interval/);
    expect(() => natsInstancer(nc, "add.*")).toThrow(/invalid service name/);
  });
});
