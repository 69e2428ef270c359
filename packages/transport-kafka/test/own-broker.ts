// A Kafka broker of the test's own, for the restart test: one KRaft node started the way
// scripts/kafka.sh starts the shared one, but on other ports and with its data in a temporary
// directory, so it can be stopped and started again without touching the shared broker. The jars
// are the ones scripts/kafka.sh fetches into .tools/kafka/libs (KAFKA_LIBS overrides); when they
// are missing, `bash scripts/kafka.sh fetch` gets them.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** The directory of Kafka's jars, fetched once when missing. */
function kafkaLibs(): string {
  const libs = process.env.KAFKA_LIBS ?? join(root, ".tools", "kafka", "libs");
  if (!existsSync(join(libs, ".complete")) && process.env.KAFKA_LIBS === undefined) {
    execFileSync("bash", [join(root, "scripts", "kafka.sh"), "fetch"], { stdio: "inherit" });
  }
  if (!existsSync(libs)) throw new Error(`Kafka's jars are not in ${libs}: run \`bash scripts/kafka.sh fetch\` (needs Java 17 and mvn) or set KAFKA_LIBS`);
  return libs;
}

/** A single-node Kafka on 127.0.0.1:`port` (controller on `port + 1`) that can be stopped and started again. */
export class OwnKafka {
  readonly port: number;
  readonly dir: string;
  readonly #libs: string;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, libs: string) {
    this.port = port;
    this.dir = dir;
    this.#libs = libs;
  }

  /** Formats a fresh data directory and starts the broker; resolves once it answers. */
  static async start(port: number): Promise<OwnKafka> {
    const broker = new OwnKafka(port, mkdtempSync(join(tmpdir(), "kit-kafka-")), kafkaLibs());
    broker.#format();
    await broker.startAgain();
    return broker;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${String(this.port)}`];
  }

  /** Starts the broker on its existing data; resolves once it answers a metadata request (within `ms`). */
  async startAgain(ms = 90_000): Promise<void> {
    const log = openSync(join(this.dir, "kafka.log"), "a");
    this.#process = spawn("java", ["-Xms128m", "-Xmx384m", "-XX:+UseG1GC", "-Djava.awt.headless=true", "-cp", `${this.#libs}/*`, "kafka.Kafka", join(this.dir, "server.properties")], {
      stdio: ["ignore", log, log],
    });
    const exited = once(this.#process, "exit");
    const deadline = Date.now() + ms;
    for (;;) {
      if (await this.#answers()) return;
      if (this.#process.exitCode !== null) throw new Error(`the test's Kafka exited while starting (log: ${join(this.dir, "kafka.log")})`);
      if (Date.now() > deadline) throw new Error(`the test's Kafka did not answer on port ${String(this.port)} within ${String(ms)} ms`);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
  }

  /** Stops the broker (SIGTERM: a clean shutdown) and waits until it has exited. */
  async stop(): Promise<void> {
    const running = this.#process;
    if (running?.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const killer = setTimeout(() => running.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(killer);
  }

  /** Freezes the broker (SIGSTOP): its connections stay open and what is sent to it waits, unread, until {@link OwnKafka.resume}. */
  pause(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** Lets a paused broker run again (SIGCONT): it reads and handles what waited. */
  resume(): void {
    this.#process?.kill("SIGCONT");
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #format(): void {
    const controller = this.port + 1;
    writeFileSync(
      join(this.dir, "server.properties"),
      [
        "process.roles=broker,controller",
        "node.id=1",
        `controller.quorum.bootstrap.servers=127.0.0.1:${String(controller)}`,
        `listeners=PLAINTEXT://127.0.0.1:${String(this.port)},CONTROLLER://127.0.0.1:${String(controller)}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${String(this.port)}`,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        `log.dirs=${join(this.dir, "data")}`,
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "",
      ].join("\n"),
    );
    const cp = `${this.#libs}/*`;
    const id = execFileSync("java", ["-Xmx128m", "-cp", cp, "kafka.tools.StorageTool", "random-uuid"], { encoding: "utf8" }).trim().split("\n").at(-1) ?? "";
    execFileSync("java", ["-Xmx128m", "-cp", cp, "kafka.tools.StorageTool", "format", "--config", join(this.dir, "server.properties"), "--cluster-id", id, "--standalone"], {
      stdio: "ignore",
    });
  }

  async #answers(): Promise<boolean> {
    const admin = new Kafka({ clientId: "kit-own-broker-probe", brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 500 }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
