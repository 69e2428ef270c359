/**
 * The conformance suite every Kit transport runs against its real broker, in the spirit of
 * Watermill's universal pub/sub tests: a transport package describes how to reach its broker in
 * a {@link ConformanceHarness} and runs {@link conformanceCases} with its test runner. Each case
 * counts the messages it sent, handled, lost and duplicated. It needs no test runner of its own
 * (cases assert with `node:assert`), so `vitest` is not a dependency. A transport's own restart
 * test takes its broker's downtime from {@link restartDowntime}, publishes while the broker is
 * away with {@link publishWhileAway} and prints what came of it with {@link describeAway}.
 *
 * @example
 * ```ts
 * // in a transport's test file, with its test runner's `test` (vitest's, here)
 * for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
 * ```
 *
 * @packageDocumentation
 */
export { garbageOfSize } from "./testing/case.ts";
export { holdMessages, spawnConsumer } from "./testing/child.ts";
export type {
  CaseName,
  ConformanceDeadLetter,
  ConformanceHarness,
  KillableConsumer,
  Probe,
  ProbeReply,
  RequesterOptions,
} from "./testing/harness.ts";
export { caseNames, conformanceCases, type RunnableCase } from "./testing/suite.ts";
export type { Counts } from "./testing/tally.ts";
export { describeAway, publishWhileAway, restartDowntime, type AwayPublish } from "./testing/outage.ts";
