import type { Kafka } from "kafkajs";

/** How long between two attempts to leave for an abandoned member, in milliseconds. */
const attemptEvery = 500;

/** The part of a kafkajs broker connection this uses. */
interface Coordinator {
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
}

/** The part of kafkajs's cluster (its connections to the brokers) this uses. */
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<Coordinator>;
}

/**
 * kafkajs keeps how it connects to the brokers (addresses, TLS, SASL, retries) behind a
 * symbol-keyed factory on the `Kafka` object; it is the one way to send a request kafkajs has no
 * public call for with the user's settings. `undefined` in a kafkajs without it.
 */
function clusterOf(kafka: Kafka): Cluster | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === "private:Kafka:createCluster");
  const create = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  return typeof create === "function" ? (create as (options: object) => Cluster)({}) : undefined;
}

/** Whether the coordinator no longer knows the member: it left or its session ran out. */
function isGone(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { type?: unknown }).type === "UNKNOWN_MEMBER_ID";
}

/**
 * Sends the leave kafkajs could not. When a consumer crashes because its broker went away,
 * kafkajs's attempt to leave the group fails, and it restarts the consumer as a new member. The
 * broker, back, still holds the old member and keeps the whole group rebalancing until that
 * member's `sessionTimeout` runs out: nothing is consumed for that long. This remembers the member
 * a crash abandoned and leaves the group for it as soon as the group's coordinator answers, so the
 * new member gets the partitions at once (what Kafka's own clients get by keeping their member
 * id through an outage).
 */
export class AbandonedMembers {
  readonly #kafka: Kafka;
  readonly #groupId: string;
  /** The member the consumer is now, from the last join. */
  #current: string | undefined;
  /** Members a crash abandoned that may still be in the group. */
  readonly #abandoned = new Set<string>();
  /** Whether {@link AbandonedMembers.crashed} started the attempts, which have not ended. */
  #leaving = false;
  /** Set by `close()`. */
  #closed = false;

  /**
   * @param kafka - the client the consumer was made with (its connection settings are used)
   * @param groupId - the consumer's group
   */
  constructor(kafka: Kafka, groupId: string) {
    this.#kafka = kafka;
    this.#groupId = groupId;
  }

  /** The consumer joined the group as `memberId`: a member abandoned before is out of the group (the join could not end with it in). */
  joined(memberId: string): void {
    this.#current = memberId;
    this.#abandoned.clear();
  }

  /** The consumer crashed: kafkajs starts it again as a new member, so the one it was is left for. */
  crashed(): void {
    if (this.#current === undefined || this.#closed) return;
    this.#abandoned.add(this.#current);
    this.#current = undefined;
    this.#startLeaving();
  }

  /** Starts the attempts unless they run; when they end with a member still to leave for (one abandoned meanwhile), starts them again. */
  #startLeaving(): void {
    if (this.#leaving || this.#closed || this.#abandoned.size === 0) return;
    this.#leaving = true;
    void this.#leaveAll().finally(() => {
      this.#leaving = false;
      this.#startLeaving();
    });
  }

  /**
   * Stops leaving for abandoned members: no attempt starts after this, and one under way (which
   * may be waiting out the client's retries while the broker is away) closes its connections when it ends.
   */
  close(): void {
    this.#closed = true;
  }

  /** Leaves for each abandoned member, attempt after attempt, until none is left, a join cleared them, or `close()`. */
  async #leaveAll(): Promise<void> {
    const cluster = clusterOf(this.#kafka);
    if (cluster === undefined) {
      this.#abandoned.clear(); // another kafkajs: the old member goes when its session runs out
      return;
    }
    try {
      while (this.#abandoned.size > 0 && !this.#closed) {
        for (const memberId of this.#abandoned) {
          if (await this.#leave(cluster, memberId)) this.#abandoned.delete(memberId);
        }
        if (this.#abandoned.size > 0) await new Promise((resolve) => setTimeout(resolve, attemptEvery));
      }
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  /** One attempt: whether the member is out of the group now. */
  async #leave(cluster: Cluster, memberId: string): Promise<boolean> {
    try {
      await cluster.connect();
      const coordinator = await cluster.findGroupCoordinator({ groupId: this.#groupId });
      await coordinator.leaveGroup({ groupId: this.#groupId, memberId });
      return true;
    } catch (err) {
      return isGone(err); // otherwise the broker is still away or loading: the next attempt follows
    }
  }
}
