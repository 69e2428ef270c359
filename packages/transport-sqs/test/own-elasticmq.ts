// An SQS-compatible server of the test's own, for the restart test: ElasticMQ started the way
// scripts/services.sh starts the shared one, but on another port and keeping its queues and
// messages on disk (in a temporary directory), so that it can be stopped and started again
// without losing them and without touching the shared server. The jars are the ones
// scripts/services.sh fetches into .tools/services/elasticmq/libs (ELASTICMQ_LIBS overrides);
// when they are missing, the script's own `fetch_jars` gets them. Starting, stopping and
// restarting are @kit/test-support's; this file has only ElasticMQ's command line and configuration.
//
// The messages' H2 database is opened with DB_CLOSE_ON_EXIT=FALSE and WRITE_DELAY=0. By default
// H2 closes the database from a JVM shutdown hook of its own, racing ElasticMQ's shutdown: with
// clients connected, a SIGTERM left ElasticMQ's queue actors failing to persist ("Database is
// already closed", "Failed to notify queue event listener. The state may be inconsistent") and the
// server did not exit until SIGKILL 20 s later, and a message it had acknowledged in that window
// was gone after the restart (the conformance broker-restart case lost one in about one run in
// five). With H2 left open until the process ends, ElasticMQ stops in 0.2-1.2 s; with each commit
// written at once (WRITE_DELAY=0), what it acknowledged is on disk when it does.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startOwnBroker, type BrokerCommand, type OwnBroker } from "@kit/test-support";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** The directory of ElasticMQ's jars, fetched once when missing. */
function elasticmqLibs(): string {
  if (process.env.ELASTICMQ_LIBS !== undefined) return process.env.ELASTICMQ_LIBS;
  const dir = join(root, ".tools", "services", "elasticmq");
  const libs = join(dir, "libs");
  if (!existsSync(libs) || readdirSync(libs).length === 0) {
    const script = `KIT_ROOT="${root}"; source "${join(root, "scripts", "services.sh")}"; mkdir -p "${dir}"; fetch_jars "${join(root, "scripts", "elasticmq", "pom.xml")}" "${dir}"`;
    execFileSync("bash", ["-c", script], { stdio: "inherit" });
  }
  if (!existsSync(libs)) throw new Error(`ElasticMQ's jars are not in ${libs}: run \`bash scripts/services.sh start\` (needs Java and mvn) or set ELASTICMQ_LIBS`);
  return libs;
}

/** Writes elasticmq.conf into `dir` (queues and messages kept there) and returns the command that runs it. */
function configure(libs: string, dir: string, port: number): BrokerCommand {
  writeFileSync(
    join(dir, "elasticmq.conf"),
    `include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = ${String(port)}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${String(port)}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = us-east-1, accountId = 000000000000 }
queues-storage { enabled = true, path = "${join(dir, "queues.conf")}" }
messages-storage { enabled = true, uri = "jdbc:h2:${join(dir, "messages")};DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" }
`,
  );
  return { file: "java", args: ["-Xmx256m", `-Dconfig.file=${join(dir, "elasticmq.conf")}`, "-cp", `${libs}/*`, "org.elasticmq.server.Main"] };
}

/** Whether the server answers ListQueues. */
async function answers(port: number): Promise<boolean> {
  const probe = new SQSClient({ endpoint: `http://127.0.0.1:${String(port)}`, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" }, maxAttempts: 1 });
  try {
    await probe.send(new ListQueuesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    probe.destroy();
  }
}

/**
 * Writes its configuration and starts ElasticMQ on 127.0.0.1:`port`, with its queues and
 * messages on disk; resolves once it answers (within 60 s). Its `url` is the SQS endpoint,
 * `http://127.0.0.1:<port>`; `stop()` gives it 20 s before SIGKILL.
 *
 * @param port - the port, in the test's own block
 */
export function startOwnElasticMq(port: number): Promise<OwnBroker> {
  const libs = elasticmqLibs();
  return startOwnBroker({
    name: "the test's ElasticMQ",
    port,
    dirPrefix: "kit-elasticmq-",
    setUp: (dir) => configure(libs, dir, port),
    url: () => `http://127.0.0.1:${String(port)}`,
    ready: answers,
    log: "elasticmq.log",
    pollInterval: 200,
    startTimeout: 60_000,
    killAfter: 20_000,
  });
}
