// A Kafka broker of the test's own, for the restart tests: one KRaft node started the way
// scripts/kafka.sh starts the shared one, but on other ports and with its data in a temporary
// directory, so it can be stopped and started again without touching the shared broker. The jars
// are the ones scripts/kafka.sh fetches into .tools/kafka/libs (KAFKA_LIBS overrides); when they
// are missing, `bash scripts/kafka.sh fetch` gets them. Starting, stopping, freezing and
// restarting are @kit/test-support's; this file has only Kafka's command line and configuration.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startOwnBroker, type BrokerCommand, type OwnBroker } from "@kit/test-support";
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

/** Writes server.properties into `dir`, formats the node's storage there, and returns the command that runs it. */
function formatKafka(libs: string, dir: string, port: number): BrokerCommand {
  const controller = port + 1;
  writeFileSync(
    join(dir, "server.properties"),
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.bootstrap.servers=127.0.0.1:${String(controller)}`,
      `listeners=PLAINTEXT://127.0.0.1:${String(port)},CONTROLLER://127.0.0.1:${String(controller)}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${String(port)}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(dir, "data")}`,
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
  const cp = `${libs}/*`;
  const id = execFileSync("java", ["-Xmx128m", "-cp", cp, "kafka.tools.StorageTool", "random-uuid"], { encoding: "utf8" }).trim().split("\n").at(-1) ?? "";
  execFileSync("java", ["-Xmx128m", "-cp", cp, "kafka.tools.StorageTool", "format", "--config", join(dir, "server.properties"), "--cluster-id", id, "--standalone"], {
    stdio: "ignore",
  });
  return { file: "java", args: ["-Xms128m", "-Xmx384m", "-XX:+UseG1GC", "-Djava.awt.headless=true", "-cp", cp, "kafka.Kafka", join(dir, "server.properties")] };
}

/** Whether the broker answers a metadata request. */
async function answers(port: number): Promise<boolean> {
  const admin = new Kafka({ clientId: "kit-own-broker-probe", brokers: [`127.0.0.1:${String(port)}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 500 }).admin();
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

/**
 * Formats a fresh single-node Kafka on 127.0.0.1:`port` (its controller on `port + 1`) and starts
 * it; resolves once it answers a metadata request (within 90 s). Its `url` is `127.0.0.1:<port>`,
 * a kafkajs broker address; `stop()` gives it 30 s to shut down cleanly before SIGKILL.
 *
 * @param port - the broker's port, in the test's own block
 */
export function startOwnKafka(port: number): Promise<OwnBroker> {
  const libs = kafkaLibs();
  return startOwnBroker({
    name: "the test's Kafka",
    port,
    dirPrefix: "kit-kafka-",
    setUp: (dir) => formatKafka(libs, dir, port),
    url: () => `127.0.0.1:${String(port)}`,
    ready: answers,
    log: "kafka.log",
    pollInterval: 500,
    startTimeout: 90_000,
    killAfter: 30_000,
  });
}
