// Reads everything a topic holds with kcat, a Kafka client that is not Kit (Debian: `apt-get
// install -y kcat`), without a consumer group: each partition from its first offset to its end.
// A test that counts what a broker kept after a fault reads it this way, so the count depends on
// no group coordinator (a fresh kafkajs consumer group on a broker that has just restarted can
// wait for its coordinator or rebalance before it reads) and ends where the broker says the
// partition ends.
import { execFile } from "node:child_process";

/** One record as kcat printed it. */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: number;
  /** The value as UTF-8 text; empty for an empty or null value. */
  readonly value: string;
}

/** Parses kcat's `%p %o %s` lines (values without newlines). */
function parseLines(out: string): TopicRecord[] {
  return out
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [partition = "", offset = "", ...value] = line.split(" ");
      return { partition: Number(partition), offset: Number(offset), value: value.join(" ") };
    });
}

/**
 * Every record of `topic` on `broker` (`host:port`), read by kcat from the first offset of each
 * partition until it reaches the partition's end (`-e`). Values must not contain newlines.
 * Rejects when kcat fails or has not reached every end within `ms`, saying how much it read.
 */
export function readWholeTopic(broker: string, topic: string, ms: number): Promise<TopicRecord[]> {
  const args = ["-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o %s\n"];
  return new Promise((resolve, reject) => {
    execFile("kcat", args, { timeout: ms, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(parseLines(stdout));
        return;
      }
      if (err.code === "ENOENT") {
        reject(new Error("kcat is not installed: this test reads the topic with it, as a client that is not Kit (Debian: `apt-get install -y kcat`)", { cause: err }));
        return;
      }
      const read = parseLines(stdout).length;
      const why = err.killed ? `did not reach the end of every partition within ${String(ms)} ms` : `failed (${err.message.trim()})`;
      reject(new Error(`kcat reading ${topic} from ${broker} ${why}, after ${String(read)} records: ${stderr.trim()}`, { cause: err }));
    });
  });
}
