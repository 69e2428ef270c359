// An SQS-compatible server of the test's own, for the restart test: ElasticMQ started the way
// scripts/services.sh starts the shared one, but on another port and keeping its queues and
// messages on disk (in a temporary directory), so that it can be stopped and started again
// without losing them and without touching the shared server. The jars are the ones
// scripts/services.sh fetches into .tools/services/elasticmq/libs (ELASTICMQ_LIBS overrides);
// when they are missing, the script's own `fetch_jars` gets them.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";

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

/** ElasticMQ on 127.0.0.1:`port`, with its queues and messages on disk, that can be stopped and started again. */
export class OwnElasticMq {
  readonly port: number;
  readonly dir: string;
  readonly #libs: string;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, libs: string) {
    this.port = port;
    this.dir = dir;
    this.#libs = libs;
  }

  /** Writes its configuration and starts it; resolves once it answers. */
  static async start(port: number): Promise<OwnElasticMq> {
    const server = new OwnElasticMq(port, mkdtempSync(join(tmpdir(), "kit-elasticmq-")), elasticmqLibs());
    writeFileSync(
      join(server.dir, "elasticmq.conf"),
      `include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = ${String(port)}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${String(port)}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = us-east-1, accountId = 000000000000 }
queues-storage { enabled = true, path = "${join(server.dir, "queues.conf")}" }
messages-storage { enabled = true, uri = "jdbc:h2:${join(server.dir, "messages")}" }
`,
    );
    await server.startAgain();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  /** Starts the server on its stored queues and messages; resolves once it answers (within `ms`). */
  async startAgain(ms = 60_000): Promise<void> {
    const log = openSync(join(this.dir, "elasticmq.log"), "a");
    this.#process = spawn("java", ["-Xmx256m", `-Dconfig.file=${join(this.dir, "elasticmq.conf")}`, "-cp", `${this.#libs}/*`, "org.elasticmq.server.Main"], {
      stdio: ["ignore", log, log],
    });
    const exited = once(this.#process, "exit");
    const deadline = Date.now() + ms;
    for (;;) {
      if (await this.#answers()) return;
      if (this.#process.exitCode !== null) throw new Error(`the test's ElasticMQ exited while starting (log: ${join(this.dir, "elasticmq.log")})`);
      if (Date.now() > deadline) throw new Error(`the test's ElasticMQ did not answer on port ${String(this.port)} within ${String(ms)} ms`);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
  }

  /** Stops the server (SIGTERM) and waits until it has exited. */
  async stop(): Promise<void> {
    const running = this.#process;
    if (running?.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const killer = setTimeout(() => running.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(killer);
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #answers(): Promise<boolean> {
    const probe = new SQSClient({ endpoint: this.endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" }, maxAttempts: 1 });
    try {
      await probe.send(new ListQueuesCommand({}));
      return true;
    } catch {
      return false;
    } finally {
      probe.destroy();
    }
  }
}
