import { background, Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { defaultErrorHandler, type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import { type Consumer, type ConsumerConfig, type Kafka, type Producer } from "kafkajs";
import { AbandonedMembers } from "./internal/abandoned-members.ts";
import { CrashReports } from "./internal/crash-reports.ts";
import type { Delivery } from "./internal/delivery.ts";
import { KafkaDriver } from "./internal/driver.ts";
import { fromKafkaError } from "./internal/errors.ts";
import { checkTopics } from "./internal/topics.ts";
import { atLeastOnceProducer } from "./producer.ts";

/** Options for {@link subscriber}: the runtime's `SubscriberOptions` plus Kafka's own. */
export interface KafkaSubscriberOptions extends SubscriberOptions {
  /** The consumer group; the group's members share the topic's partitions. */
  readonly groupId: string;
  /** Where a poison record goes, with the error in its headers (default `<topic>.dead-letter`). */
  readonly deadLetterTopic?: string;
  /**
   * Whether the subscriber creates its dead-letter topic, with the broker's default partitions
   * and replication, when it does not exist (default `true`). With `false`, a missing
   * dead-letter topic fails the subscriber's start with `not_found`. The consumed topic is never
   * created: a missing one fails the start with `not_found`.
   */
  readonly createDeadLetterTopic?: boolean;
  /**
   * The reply namespace: the topic-name prefixes a request's `kit-reply-topic` may start with. A
   * request whose reply topic is outside them is not answered but dead-lettered as
   * `permission_denied`, so whoever can write to the topic cannot make the subscriber produce,
   * with its credentials, to any topic it can reach. Default `["<topic>.replies"]`: the requests
   * on `sum` may be answered on `sum.replies`, `sum.replies.client-7` and the like. `[""]`
   * accepts any topic.
   */
  readonly replyNamespace?: readonly string[];
  /**
   * How many records of one partition run at once (default 1: the partition's order). Above 1,
   * records with different keys run side by side, but never two with the same key, and each
   * key's records still run in offset order (a record without a key counts as one key). The
   * offset committed is still the one after the records that all finished. Bounded overall by
   * `concurrency`.
   */
  readonly keyConcurrency?: number;
  /**
   * Whether a partition's next batch is fetched while its records still run (default `false`).
   * kafkajs fetches a partition's next batch only once the subscriber returns the last one, and
   * by default the subscriber returns a batch once its records all finished: a rebalance then
   * waits for what runs, which is committed before the partition moves (no duplicates). With
   * `true`, it returns a batch once its records were all handed out, so with `keyConcurrency`
   * above 1 records that come one by one run side by side (up to `keyConcurrency` per
   * partition), still one key at a time, in offset order, and committed only past the records
   * that all finished. The price: a rebalance kafkajs notices between batches does not wait for
   * the records that run; what finished is committed at once, and a record still running when its
   * partition moves may run again on the new owner (at least once). A partition that stays holds
   * its records through the rebalance.
   */
  readonly fetchAhead?: boolean;
  /** Where a new group starts: at the oldest record (`true`) or at new records only (default `false`). */
  readonly fromBeginning?: boolean;
  /**
   * The producer that writes dead letters and replies. By default the subscriber makes an
   * {@link atLeastOnceProducer} from the `Kafka` client when it first needs it, and disconnects it on close.
   */
  readonly producer?: Producer;
  /**
   * More kafkajs consumer settings (`sessionTimeout`, `heartbeatInterval`, `maxBytesPerPartition`…).
   * `maxWaitTimeInMs` defaults to 500 (Kafka's own `fetch.max.wait.ms`), not kafkajs's 5 000,
   * so `close()` does not wait seconds for an idle fetch; `sessionTimeout` to 10 000 (with
   * `heartbeatInterval` 3 000), not kafkajs's 30 000: after a broker restart the consumer joins
   * as a new member, and the group waits out the old member's session before it hands out the
   * partitions again, so this bounds how soon the subscriber resumes (and how soon a dead
   * member's partitions move).
   */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
  /**
   * How long a partition being given up (a rebalance, `close()`) waits for its running record
   * before it lets the partition go uncommitted, in milliseconds (default 30 000). Keep it
   * below the consumer's `rebalanceTimeout` (kafkajs default 60 000).
   */
  readonly revokeTimeout?: number;
}

/**
 * A running Kafka subscriber: `close()` (and `await using`) stops fetching, lets what runs
 * finish, commits, and leaves the group.
 */
export type KafkaSubscriber = Subscriber;

/**
 * Serves an endpoint on a Kafka topic as a member of a consumer group, on `@kit/transport`'s
 * subscriber runtime. First checks that the topic exists (`not_found` otherwise; it is never
 * created) and that the dead-letter topic does (created unless `createDeadLetterTopic` is
 * `false`); rejects with a `KitError` when it cannot work (`not_found`, `permission_denied`,
 * `unavailable`). Resolves once the consumer has joined the group and fetched once, so a record
 * produced after that is read even with `fromBeginning: false`.
 *
 * - **Ordered per partition**: a partition's records run one after another (so records of one
 *   key never overtake each other), partitions run side by side up to `concurrency`. With
 *   `keyConcurrency` above 1, records of different keys in one partition run side by side too,
 *   each key's still in order; with `fetchAhead` also records of different batches.
 * - **Commit after success**: a partition's offset is committed only past records that all
 *   finished (handled or dead-lettered); a consumer that dies leaves the rest to another member.
 * - **Retries in place**: a retryable error (`unavailable`, `deadline_exceeded`,
 *   `resource_exhausted`, `aborted`) is tried again after `backoff(attempt)` while the
 *   partition waits, up to `maxAttempts`.
 * - **Dead letter**: a record that fails for good goes to `deadLetterTopic` with its key, body
 *   and headers plus `kit-error-code`, `kit-error-message`, `kit-attempts`, `kit-topic`,
 *   `kit-partition` and `kit-offset`; then the partition moves on.
 * - **Rebalance and close**: nothing new starts, what runs finishes, its offsets are committed,
 *   then the partition is given up (with `fetchAhead`, a rebalance noticed between batches does
 *   not wait: see {@link KafkaSubscriberOptions.fetchAhead}).
 * - **Replies**: a record with `kit-reply-topic` (see {@link requester}) inside
 *   `replyNamespace` is answered there with its `kit-correlation-id`; one outside is
 *   dead-lettered as `permission_denied`.
 *
 * @param kafka - the kafkajs client
 * @param topic - the topic to consume
 * @param endpoint - the endpoint to run on each record
 * @param decode - turns a record into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the group, the dead-letter topic, and the runtime's hooks and limits
 *
 * @example
 * ```ts
 * const kafka = new Kafka({ brokers: ["127.0.0.1:9092"] });
 * const sub = await subscriber(kafka, "orders", placeOrder, decodeJSONMessage(Order), encodeJSONMessage, {
 *   groupId: "billing",
 *   maxAttempts: 3,
 * });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the client and topic in front
export async function subscriber<Req, Res>(
  kafka: Kafka,
  topic: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: KafkaSubscriberOptions,
): Promise<KafkaSubscriber> {
  const { groupId, deadLetterTopic = `${topic}.dead-letter`, fromBeginning = false, revokeTimeout = 30_000 } = options;
  const concurrency = options.concurrency ?? 16;
  const keyConcurrency = options.keyConcurrency ?? 1;
  if (!Number.isInteger(keyConcurrency) || keyConcurrency < 1) throw new RangeError(`keyConcurrency must be a whole number of at least 1, got ${keyConcurrency}`);
  const replyNamespace = options.replyNamespace ?? [`${topic}.replies`];
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler); // what the driver reports goes where the runtime's reports go
  await checkTopics(kafka, { topic, deadLetterTopic, createDeadLetterTopic: options.createDeadLetterTopic ?? true });
  let ownProducer: Promise<Producer> | undefined;
  const producer = (): Promise<Producer> => {
    if (options.producer !== undefined) return Promise.resolve(options.producer);
    ownProducer ??= (async () => {
      const made = atLeastOnceProducer(kafka);
      await made.connect();
      return made;
    })();
    return ownProducer;
  };
  const replyAllowed = (to: string): boolean => replyNamespace.some((prefix) => to.startsWith(prefix));
  const fetchAhead = options.fetchAhead ?? false;
  const driver = new KafkaDriver({ producer, deadLetterTopic, commitInterval: 1_000, keyConcurrency, revokeTimeout, fetchAhead, replyAllowed, observe, background: background() });
  const consumer: Consumer = kafka.consumer({ maxWaitTimeInMs: 500, sessionTimeout: 10_000, heartbeatInterval: 3_000, ...options.consumer, groupId });
  const abandoned = new AbandonedMembers(kafka, groupId);
  await joinGroup(consumer, driver, { topic, fromBeginning, concurrency, observe, abandoned });
  const running = runSubscriber(driver, endpoint, refuseForeignReplies(decode), encode, options);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      driver.close(); // nothing new is handed out; each batch commits what finished once nothing runs
      try {
        await running.close(); // what runs finishes and is settled (or released at closeTimeout)
        await driver.flush(); // what finished is committed before the consumer leaves the group
      } finally {
        await consumer.disconnect(); // waits for the batches to commit and return, then leaves the group
        abandoned.close();
        if (ownProducer !== undefined) await (await ownProducer).disconnect();
      }
    })());
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** What {@link joinGroup} needs besides the consumer and the driver. */
interface Join {
  readonly topic: string;
  readonly fromBeginning: boolean;
  readonly concurrency: number;
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Told of every join and crash, to leave for the member a crash abandoned. */
  readonly abandoned: AbandonedMembers;
}

/**
 * Connects the consumer, subscribes it and runs it on the driver's `eachBatch`; resolves once it
 * has joined the group and fetched once (so a record produced from then on is read). A failure
 * disconnects it and is thrown as a `KitError` by the package's table.
 */
async function joinGroup(consumer: Consumer, driver: KafkaDriver, join: Join): Promise<void> {
  const { topic, fromBeginning, concurrency, observe, abandoned } = join;
  const crashes = new CrashReports(topic, (err) => {
    observe(background(), err);
  });
  const joined = new Promise<void>((resolve, reject) => {
    let member = false;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      abandoned.joined(event.payload.memberId);
      driver.joined(event.payload.memberAssignment);
      member = true;
    });
    consumer.on(consumer.events.REBALANCING, () => {
      driver.rebalanceStarted();
    });
    // the first fetch after joining has fixed where each partition starts: a record produced from now on is read
    consumer.on(consumer.events.FETCH, () => {
      crashes.fetched();
      if (member) resolve();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const err = fromKafkaError(event.payload.error, `consume topic ${topic}`);
      crashes.crashed(err);
      abandoned.crashed(); // kafkajs restarts it as a new member; the old one is left for once the broker answers
      if (!event.payload.restart) reject(err); // a retriable crash (a coordinator still loading, a broker away) kafkajs restarts itself
    });
  });
  joined.catch(() => undefined); // a crash after the join is reported to the error handler
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: concurrency, eachBatch: driver.eachBatch });
    await joined;
  } catch (thrown) {
    await consumer.disconnect().catch(() => undefined);
    abandoned.close();
    throw fromKafkaError(thrown, `consume topic ${topic}`);
  }
}

/** A request whose reply topic the driver refused fails before it is decoded: dead-lettered as `permission_denied`. */
function refuseForeignReplies<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as Partial<Delivery>).refusedReply;
    if (refused !== undefined) {
      throw new KitError(Code.PermissionDenied, `kit-reply-topic ${JSON.stringify(refused)} is outside the subscriber's reply namespace; not answered`);
    }
    return decode(ctx, message);
  };
}
