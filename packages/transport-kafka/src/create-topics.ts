import { Code, KitError } from "@kit/endpoint";
import type { Admin, ITopicConfig, Kafka } from "kafkajs";
import { fromKafkaError, kafkaErrorCode } from "./internal/errors.ts";

/** Options for {@link createTopics}. */
export interface CreateTopicsOptions {
  /** The partitions of each topic given by name only (default: the broker's `num.partitions`). */
  readonly numPartitions?: number;
  /** How long it may take in all, in milliseconds, connecting included (default 30 000). */
  readonly timeout?: number;
}

/** Why a wait in {@link createTopics} ended: its bound ran out (never seen outside). */
const expired = new Error("the bound of createTopics ran out");

/**
 * Creates the topics that do not exist and resolves once every partition of every one of them
 * has a leader in the cluster's metadata, so they can be produced to and subscribed to at once.
 * A topic that exists already counts as created (and is left as it is, whatever its partitions);
 * a topic given twice is created once, as first given.
 *
 * Safe to run at the same time from any number of clients or processes, which kafkajs's
 * `admin.createTopics({ waitForLeaders: true })` is not: a broker that has not yet learnt of a
 * topic just created answers the leader check with `UNKNOWN_TOPIC_OR_PARTITION`, which kafkajs
 * does not retry. Here that, `LEADER_NOT_AVAILABLE`, `NOT_CONTROLLER`, a lost connection and
 * every other error Kafka calls retriable are retried until `timeout`.
 *
 * Rejects with a `KitError` naming the topics: `unavailable` when no broker answered within
 * `timeout`, `deadline_exceeded` when the broker answered but some partition had no leader in
 * time, and at once, without retrying, with the code of an error that will not pass by waiting
 * (`invalid_argument` for an invalid name, partition count or config, `permission_denied`…).
 *
 * @param kafka - the kafkajs client; an admin client of its own is connected and disconnected
 * @param topics - topic names, or kafkajs `ITopicConfig`s (partitions, replication, configs)
 * @param options - the partitions of topics given by name, and the bound
 *
 * @example
 * ```ts
 * await createTopics(kafka, ["orders", "orders.replies"], { numPartitions: 3 });
 * ```
 */
export async function createTopics(kafka: Kafka, topics: readonly (string | ITopicConfig)[], options: CreateTopicsOptions = {}): Promise<void> {
  const named = topics.map((t) => (typeof t === "string" ? { topic: t, ...(options.numPartitions === undefined ? {} : { numPartitions: options.numPartitions }) } : t));
  const configs = named.filter((c, i) => named.findIndex((d) => d.topic === c.topic) === i); // each topic once, as first given
  if (configs.length === 0) return;
  const timeout = options.timeout ?? 30_000;
  const deadline = Date.now() + timeout;
  const admin = kafka.admin();
  const state: Progress = { connected: false, created: false, waiting: configs.map((c) => c.topic), last: undefined };
  try {
    for (let attempt = 0; ; attempt++) {
      if (await step(admin, configs, state, deadline)) return;
      const pause = Math.min(100 * 2 ** attempt, 1_000);
      if (Date.now() + pause >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  throw outOfTime(state, timeout);
}

/** Where {@link createTopics} is: what is done, the topics without leaders, and the last transient failure. */
interface Progress {
  connected: boolean;
  created: boolean;
  waiting: readonly string[];
  last: unknown;
}

/** One try: connects, creates (once that succeeds, not again) and checks the leaders; true when all have one. */
async function step(admin: Admin, configs: readonly ITopicConfig[], state: Progress, deadline: number): Promise<boolean> {
  try {
    if (!state.connected) {
      await before(deadline, admin.connect());
      state.connected = true;
    }
    if (!state.created) {
      await before(deadline, create(admin, configs));
      state.created = true;
    }
    state.waiting = await before(deadline, withoutLeader(admin, state.waiting));
    return state.waiting.length === 0;
  } catch (thrown) {
    if (thrown === expired) return false;
    if (!transient(thrown)) throw lasting(thrown, `create topics ${state.waiting.join(", ")}`);
    state.last = thrown;
    return false;
  }
}

/** Asks the controller to create the topics; those that exist already are no failure. */
async function create(admin: Admin, configs: readonly ITopicConfig[]): Promise<void> {
  try {
    await admin.createTopics({ topics: [...configs], waitForLeaders: false });
  } catch (thrown) {
    const errors = (thrown as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw thrown;
    const failed = errors.filter((e: { type?: unknown }) => e.type !== "TOPIC_ALREADY_EXISTS");
    if (failed.length > 0) throw failed.find((e) => !transient(e)) ?? failed[0];
  }
}

/** The topics of `names` that some partition of has no leader yet (or that the broker does not know yet). */
async function withoutLeader(admin: Admin, names: readonly string[]): Promise<readonly string[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
  const partitions = new Map(topics.map((t) => [t.name, t.partitions]));
  return names.filter((name) => {
    const found = partitions.get(name);
    return found === undefined || found.length === 0 || found.some((p) => p.leader < 0);
  });
}

/**
 * Whether waiting may mend a failure: the broker away or busy (`unavailable`, which covers
 * `LEADER_NOT_AVAILABLE` and `NOT_CONTROLLER`), a topic it does not know yet (`not_found`),
 * throttling. kafkajs's `KafkaJSNonRetriableError` is its cause's verdict, or, without one
 * (kafkajs refusing the arguments itself), never.
 */
function transient(thrown: unknown): boolean {
  const { name, cause } = (thrown ?? {}) as { name?: unknown; cause?: unknown };
  if (name === "KafkaJSNonRetriableError") return cause !== undefined && cause !== thrown && transient(cause);
  const code = kafkaErrorCode(thrown);
  return code === Code.Unavailable || code === Code.NotFound || code === Code.ResourceExhausted;
}

/** A failure waiting will not mend, as a `KitError`: arguments kafkajs refuses itself are `invalid_argument`. */
function lasting(thrown: unknown, what: string): KitError {
  const { name, cause } = thrown as { name?: unknown; cause?: unknown };
  if (name !== "KafkaJSNonRetriableError" || cause !== undefined) return fromKafkaError(thrown, what);
  return new KitError(Code.InvalidArgument, `Kafka ${what}: ${(thrown as Error).message}`, { cause: thrown });
}

/** `work`, or a rejection with {@link expired} once `deadline` passes (the work goes on unheeded). */
async function before<T>(deadline: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const out = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(expired);
    }, Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, out]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error {@link createTopics} ends with when its bound runs out. */
function outOfTime(state: Progress, timeout: number): KitError {
  const topics = state.waiting.join(", ");
  const last = state.last instanceof Error ? ` (last: ${state.last.message})` : "";
  const cause = state.last === undefined ? {} : { cause: state.last };
  if (!state.connected) {
    return new KitError(Code.Unavailable, `Kafka create topics ${topics}: no broker answered within ${String(timeout)} ms${last}`, cause);
  }
  return new KitError(Code.DeadlineExceeded, `Kafka create topics ${topics}: not every partition had a leader within ${String(timeout)} ms${last}`, cause);
}
