import { Code, isKitError, KitError } from "@kit/endpoint";
import type { Admin, Kafka } from "kafkajs";
import { fromKafkaError, kafkaErrorCode } from "./errors.ts";

/** What {@link checkTopics} checks. */
export interface TopicCheck {
  /** The topic the subscriber consumes: it must exist. */
  readonly topic: string;
  /** Where its poison records go. */
  readonly deadLetterTopic: string;
  /** Whether to create the dead-letter topic (with the broker's defaults) when it is missing. */
  readonly createDeadLetterTopic: boolean;
}

/**
 * Checks, with an admin client that never creates a topic by asking about it, that a subscriber
 * can work: its topic exists, and so does its dead-letter topic (created when missing, if
 * `createDeadLetterTopic`). Rejects with a `KitError`: `not_found` naming a missing topic,
 * `permission_denied` when the credentials may not see or create it, `unavailable` when no
 * broker answers.
 */
export async function checkTopics(kafka: Kafka, check: TopicCheck): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    if (!(await exists(admin, check.topic))) throw new KitError(Code.NotFound, `Kafka topic ${check.topic} does not exist: create it before serving it`);
    if (await exists(admin, check.deadLetterTopic)) return;
    if (!check.createDeadLetterTopic) {
      throw new KitError(Code.NotFound, `Kafka dead-letter topic ${check.deadLetterTopic} does not exist: create it, or let the subscriber create it (createDeadLetterTopic)`);
    }
    await admin.createTopics({ topics: [{ topic: check.deadLetterTopic }], waitForLeaders: false });
    await leaderOf(admin, check.deadLetterTopic, 15_000);
  } catch (thrown) {
    throw isKitError(thrown) ? thrown : fromKafkaError(thrown, `check topics ${check.topic} and ${check.deadLetterTopic}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Waits, up to `ms`, until every partition of a topic just created has a leader, so it can be
 * written to (and deleted) at once. kafkajs's own `waitForLeaders` gives up after its retries,
 * which a busy broker outlasts; past `ms` the start goes on, and a dead letter produced later
 * waits for its leader itself.
 */
async function leaderOf(admin: Admin, topic: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      if (topics[0]?.partitions.every((p) => p.leader >= 0) === true) return;
    } catch {
      // not known to the broker yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether the broker has `topic`; other failures are thrown. */
async function exists(admin: Admin, topic: string): Promise<boolean> {
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    return true;
  } catch (thrown) {
    if (kafkaErrorCode(thrown) === Code.NotFound) return false;
    throw thrown;
  }
}
