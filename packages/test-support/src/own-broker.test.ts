import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { accepts } from "./accepts.ts";
import { startOwnBroker, type OwnBroker, type OwnBrokerOptions } from "./own-broker.ts";

// A stand-in broker: a Node program that counts its starts in its directory and echoes what a
// client sends; `deaf` never listens, `exits` dies at once, `stubborn` ignores SIGTERM.
const program = `
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";
const [port, dir, mode] = process.argv.slice(2);
appendFileSync(dir + "/starts", "x");
if (mode === "exits") process.exit(3);
process.on("SIGTERM", () => { if (mode !== "stubborn") process.exit(0); });
if (mode === "deaf") setInterval(() => undefined, 1_000);
else createServer((socket) => socket.on("data", (data) => socket.write(data))).listen(Number(port), "127.0.0.1");
`;

type Mode = "echo" | "deaf" | "exits" | "stubborn";

const dirPrefix = `kit-test-support-${String(process.pid)}-`;
const started: OwnBroker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.destroy("SIGKILL")));
});
afterAll(() => {
  // A start that failed keeps its directory for its log: these are the tests' own.
  for (const name of readdirSync(tmpdir())) if (name.startsWith(dirPrefix)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
});

async function fake(mode: Mode, options: Partial<OwnBrokerOptions> = {}): Promise<OwnBroker> {
  const broker = await startOwnBroker({
    name: "the fake broker",
    dirPrefix,
    setUp: (dir, port) => {
      writeFileSync(join(dir, "broker.mjs"), program);
      return { file: process.execPath, args: [join(dir, "broker.mjs"), String(port), dir, mode] };
    },
    url: (port) => `echo://127.0.0.1:${String(port)}`,
    pollInterval: 20,
    startTimeout: 5_000,
    ...options,
  });
  started.push(broker);
  return broker;
}

/** What the broker echoes of `text` within `ms`, or undefined when it answers nothing. */
async function echo(port: number, text: string, ms: number): Promise<string | undefined> {
  const socket = connect(port, "127.0.0.1");
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(undefined);
      }, ms);
      socket.once("data", (data) => {
        clearTimeout(timer);
        resolve(data.toString());
      });
      socket.write(text);
    });
  } finally {
    socket.destroy();
  }
}

const starts = (broker: OwnBroker): number => readFileSync(join(broker.dir, "starts"), "utf8").length;

describe("startOwnBroker", () => {
  it("starts the broker on a free port when given none, and answers once it has started", async () => {
    const broker = await fake("echo");
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`echo://127.0.0.1:${String(broker.port)}`);
    expect(await echo(broker.port, "ping", 2_000)).toBe("ping");
  });

  it("restarts on the same port and directory, away for the downtime while whileDown runs", async () => {
    const broker = await fake("echo");
    const { port, dir } = broker;
    let refusedWhileDown: boolean | undefined;
    const begun = Date.now();
    const back = await broker.restart({ downtime: 300, whileDown: async () => (refusedWhileDown = !(await accepts(port))) });
    expect(refusedWhileDown).toBe(true);
    expect(back - begun).toBeGreaterThanOrEqual(300);
    expect([broker.port, broker.dir, starts(broker)]).toEqual([port, dir, 2]);
    expect(await echo(port, "again", 2_000)).toBe("again");
  });

  it("freezes the broker: an open connection gets no answer until it is thawed", async () => {
    const broker = await fake("echo");
    broker.freeze();
    const socket = connect(broker.port, "127.0.0.1");
    const answered = new Promise<string>((resolve) => {
      socket.once("data", (data) => {
        resolve(data.toString());
      });
    });
    socket.write("held");
    const early = await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 300, "nothing"))]);
    broker.thaw();
    expect([early, await answered]).toEqual(["nothing", "held"]);
    socket.destroy();
  });

  it("kills a broker that ignores SIGTERM once killAfter has passed, and kill() needs no wait", async () => {
    const stubborn = await fake("stubborn", { killAfter: 300 });
    let begun = Date.now();
    await stubborn.stop();
    expect(Date.now() - begun).toBeGreaterThanOrEqual(290);
    expect(await accepts(stubborn.port)).toBe(false);
    await stubborn.start();
    begun = Date.now();
    await stubborn.kill();
    expect(Date.now() - begun).toBeLessThan(290);
    expect(starts(stubborn)).toBe(2);
  });

  it("destroy() deletes the broker's directory, a frozen broker's too with SIGKILL", async () => {
    const broker = await fake("echo");
    broker.freeze();
    await broker.destroy("SIGKILL");
    expect([existsSync(broker.dir), await accepts(broker.port)]).toEqual([false, false]);
  });

  it("refuses a port something already answers on, and a second start of a running broker", async () => {
    const broker = await fake("echo");
    await expect(fake("echo", { port: broker.port })).rejects.toThrow(`something already answers on port ${String(broker.port)}`);
    await expect(broker.start()).rejects.toThrow("the fake broker is running already");
  });

  it("refuses a port that is not a whole number from 1 to 65535, naming the field", async () => {
    await expect(fake("echo", { port: 70_000 })).rejects.toThrow("invalid_argument: startOwnBroker's port must be a whole number from 1 to 65535, not 70000");
  });

  it("fails a start when the broker exits, never answers in time, or cannot be run, naming its log", async () => {
    await expect(fake("exits")).rejects.toThrow(/^the fake broker exited while starting \(log: .*broker\.log\)$/);
    const begun = Date.now();
    await expect(fake("deaf", { startTimeout: 300 })).rejects.toThrow(/^the fake broker did not answer on port \d+ within 300 ms/);
    expect(Date.now() - begun).toBeLessThan(3_000);
    const missing = startOwnBroker({ name: "nothing", dirPrefix, setUp: () => ({ file: "/nonexistent/broker", args: [] }), url: String });
    await expect(missing).rejects.toThrow("cannot run /nonexistent/broker (is it installed?)");
  });
});
