import type { ConformanceCase } from "./case.ts";
import { report } from "./report.ts";
import { brokerRestart } from "./case-broker-restart.ts";
import { closeInFlight } from "./case-close-in-flight.ts";
import { consumerKilled } from "./case-consumer-killed.ts";
import { deadLetterUnwritable } from "./case-dead-letter-unwritable.ts";
import { deadline } from "./case-deadline.ts";
import { defaultWaitBound } from "./case-default-wait.ts";
import { disclosure } from "./case-disclosure.ts";
import { errorCodes } from "./case-error-codes.ts";
import { growth } from "./case-growth.ts";
import { hooks } from "./case-hooks.ts";
import { poison } from "./case-poison.ts";
import { roundTrip } from "./case-round-trip.ts";
import { startupFailure } from "./case-startup-failure.ts";
import type { CaseName, ConformanceHarness } from "./harness.ts";

/** Every case, in the order they run. */
const cases: readonly ConformanceCase[] = [
  roundTrip,
  errorCodes,
  disclosure,
  hooks,
  deadline,
  defaultWaitBound,
  closeInFlight,
  consumerKilled,
  poison,
  deadLetterUnwritable,
  brokerRestart,
  startupFailure,
  growth,
];

/** The names of every conformance case, in the order they run. */
export const caseNames: readonly CaseName[] = cases.map((c) => c.name);

/** One case ready to hand to a test runner: `test(c.name, c.run, c.timeout)`. */
export interface RunnableCase {
  /** The test's name: the case's, with `(known failure: …)` for one on the `failing` list. */
  readonly name: string;
  /** The case's name. */
  readonly case: CaseName;
  /** A bound on the case's time, in milliseconds, for the runner's timeout. */
  readonly timeout: number;
  /**
   * Runs the case. A case on the `failing` list passes when the case fails (and prints why) and
   * fails when it passes, so a fixed transport is noticed; unless `KIT_CONFORMANCE_RUN_FAILING=1`
   * is set, which runs it as a normal case.
   */
  readonly run: () => Promise<void>;
}

/**
 * The conformance suite for one transport: every case its harness does not list in `lacks`, as
 * {@link RunnableCase}s any test runner can run, with no dependency on one. A case whose harness
 * member is missing (and not listed in `lacks`) fails, saying what to add.
 *
 * @param harness - how to reach the transport and its broker
 *
 * @example
 * ```ts
 * // in a transport's test file, with its test runner's `test` (vitest's, here)
 * for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
 * ```
 */
export function conformanceCases(harness: ConformanceHarness): RunnableCase[] {
  const runFailing = process.env.KIT_CONFORMANCE_RUN_FAILING === "1";
  const runnable: RunnableCase[] = [];
  for (const c of cases) {
    if (harness.lacks?.[c.name] !== undefined) continue;
    const reason = harness.failing?.[c.name];
    const expectFailure = reason !== undefined && !runFailing;
    runnable.push({
      name: expectFailure ? `${c.name} (known failure: ${reason})` : c.name,
      case: c.name,
      timeout: c.timeout + 5_000,
      run: () => (expectFailure ? expectToFail(harness, c, reason) : runCase(harness, c)),
    });
  }
  return runnable;
}

async function runCase(harness: ConformanceHarness, c: ConformanceCase): Promise<void> {
  const missing = c.needs.filter((member) => harness[member] === undefined);
  if (missing.length > 0) {
    throw new Error(`${harness.name}: the case ${c.name} needs the harness's ${missing.join(", ")}; give it, or list the case in lacks with why`);
  }
  const begun = Date.now();
  const counts = await c.run(harness);
  const took = `${String(Date.now() - begun)} ms`;
  const counted = counts === undefined ? "" : ` sent ${String(counts.sent)}, handled ${String(counts.handled)}, lost ${String(counts.lost)}, duplicated ${String(counts.duplicated)},`;
  report(`${harness.name} ${c.name}:${counted} ${took}`);
}

async function expectToFail(harness: ConformanceHarness, c: ConformanceCase, reason: string): Promise<void> {
  try {
    await runCase(harness, c);
  } catch (err) {
    report(`${harness.name} ${c.name}: fails as known (${reason}): ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  throw new Error(`${harness.name}: the case ${c.name} is listed as failing (${reason}) but passed: take it off the failing list`);
}
