import type { Endpoint } from "@kit/endpoint";
import type { PublisherOptions } from "../publisher.ts";
import type { Subscriber, SubscriberOptions } from "../subscriber-options.ts";

/** The request every conformance case sends: an id the case counts by, and what to do. */
export interface Probe {
  /** Unique within a case; the case counts sent, handled, lost and duplicated by it. */
  readonly id: number;
  /** An instruction to the case's endpoint, such as an error code to fail with. */
  readonly op?: string;
}

/** The reply to a {@link Probe}. */
export interface ProbeReply {
  /** The probe's id. */
  readonly id: number;
  /** Who answered, when a case needs to know. */
  readonly by?: string;
}

/** A message in a dead letter, as {@link ConformanceHarness.deadLetters} reads it. */
export interface ConformanceDeadLetter {
  /** The body, as the broker kept it. */
  readonly body: Uint8Array;
  /** The original headers plus `kit-error-code`, `kit-error-message` and `kit-attempts`. */
  readonly headers: ReadonlyMap<string, string>;
}

/** A consumer of an address that holds messages without finishing them, until it is killed. */
export interface KillableConsumer {
  /** Ends the consumer abruptly: no drain, no ack (`SIGKILL` for a child process). */
  readonly kill: () => Promise<void>;
}

/** What a requester built for a case should do. */
export interface RequesterOptions extends PublisherOptions {
  /**
   * The requester's own wait bound when the context has no deadline (the `timeout` option every
   * Kit requester takes); `undefined` for its default.
   */
  readonly timeout?: number;
}

/** The names of the conformance cases; `failing` and `lacks` refer to them. */
export type CaseName =
  | "round-trip"
  | "error-codes"
  | "disclosure"
  | "hooks"
  | "deadline"
  | "default-wait-bound"
  | "close-in-flight"
  | "consumer-killed"
  | "poison"
  | "dead-letter-unwritable"
  | "broker-restart"
  | "startup-failure"
  | "growth";

/**
 * What a transport gives the conformance suite ({@link conformanceCases}): how to serve an
 * endpoint on an address and how to reach it, on the transport's real broker. Every message is
 * JSON ({@link Probe} in, {@link ProbeReply} out). The optional members are the faults the suite
 * can inject; a transport that cannot have one names the case in `lacks`.
 *
 * @example
 * ```ts
 * const harness: ConformanceHarness = {
 *   name: "memory",
 *   address: (label) => `conformance.${label}.${Date.now()}`,
 *   serve: (address, endpoint, options) => subscriber(broker, address, endpoint, decodeJSONMessage(), encodeJSONMessage, options),
 *   requester: (address, options) => publisher(broker, address, encodeJSONMessage, decodeJSONMessage(), options),
 *   lacks: { "broker-restart": "nothing survives the process" },
 * };
 * ```
 */
export interface ConformanceHarness {
  /** The transport's name, used in test names and in the counts each case prints. */
  readonly name: string;
  /**
   * A fresh address (queue, subject, topic, server) for one case, unused by any other; create
   * whatever the broker needs (a queue, a stream, its dead-letter destination) here.
   *
   * @param label - the case's name, to put in the address
   */
  readonly address: (label: string) => string | Promise<string>;
  /**
   * Serves `endpoint` on `address` with the transport's subscriber (or server) and the JSON
   * codecs, passing `options` through. Its `close()` must also close what an application
   * would close after it, as the transport's README shows (a connection it opened).
   */
  readonly serve: (address: string, endpoint: Endpoint<Probe, ProbeReply>, options: SubscriberOptions) => Subscriber | Promise<Subscriber>;
  /** A request/reply client of `address` (the transport's requester, publisher or client). */
  readonly requester: (address: string, options: RequesterOptions) => Endpoint<Probe, ProbeReply>;
  /** A fire-and-forget publisher to `address`; absent where the transport has none. */
  readonly publisher?: (address: string, options: PublisherOptions) => Endpoint<Probe, void>;
  /** Puts raw bytes on `address` as a producer outside Kit would; absent for HTTP and gRPC. */
  readonly publishRaw?: (address: string, body: Uint8Array, headers: Readonly<Record<string, string>>) => Promise<void>;
  /** Every message in `address`'s dead letter so far. */
  readonly deadLetters?: (address: string) => Promise<readonly ConformanceDeadLetter[]>;
  /**
   * Puts a message on `address` that cannot be decoded and whose dead letter the broker will
   * refuse (its dead-letter queue deleted, or a body so large that Kit's headers push its copy
   * over the broker's size limit); make its body with `garbageOfSize`.
   */
  readonly poisonWithoutDeadLetter?: (address: string) => Promise<void>;
  /**
   * Starts a consumer of `address` that takes messages and never finishes them, somewhere it
   * can be killed abruptly (a child process: see {@link spawnConsumer}); resolves once it holds
   * at least one message.
   */
  readonly killableConsumer?: (address: string) => Promise<KillableConsumer>;
  /** Restarts the broker (one the test started itself) and resolves once it is back. */
  readonly restartBroker?: () => Promise<void>;
  /** A subscriber that cannot start: its source (or dead-letter destination) does not exist. */
  readonly serveBroken?: (address: string) => Subscriber | Promise<Subscriber>;
  /**
   * How long a case waits for redeliveries that must not come, or for ones that must, in
   * milliseconds (default 1 500): at least the broker's redelivery delay after a consumer goes
   * away (an ack wait, a visibility timeout, a session timeout).
   */
  readonly redeliveryTime?: number;
  /** How many messages the growth case sends (default 10 000); it also stops after 20 s. */
  readonly growthMessages?: number;
  /** Counts the listeners the transport keeps on its own emitters (connections), for the growth case. */
  readonly listeners?: () => number;
  /**
   * Cases this transport is known to fail, each with a one-line reason: they run expecting to
   * fail (a pass is an error: take it off the list), or as normal cases when the environment
   * sets `KIT_CONFORMANCE_RUN_FAILING=1`.
   */
  readonly failing?: Readonly<Partial<Record<CaseName, string>>>;
  /** Cases that cannot apply to this transport, each with why (HTTP has no dead letter); not run. */
  readonly lacks?: Readonly<Partial<Record<CaseName, string>>>;
}
