// The three calls every request/reply part of the demo makes (demo-nats.ts, demo-amqp.ts):
// a sum, a concat and the business error, each printed and checked.
import { isKitError, type Context } from "@kit/endpoint";
import { ErrorMessage, type AddService } from "./service.ts";

/**
 * Calls `sum(2, 3)`, `concat("kit", "go")` and `sum(0, 0)` on `svc`, prints one line for each
 * (`  sum(2, 3) → 5  ✓`), and returns what went wrong, empty when all three are right.
 *
 * @param svc - addsvc over some transport
 * @param ctx - the calls' context (with their deadline)
 * @param print - where the lines go
 */
export async function checkCalls(svc: AddService, ctx: Context, print: (line: string) => void): Promise<string[]> {
  const problems: string[] = [];
  const call = async (title: string, run: () => Promise<unknown>, check: (result: unknown, err: unknown) => string | undefined): Promise<void> => {
    let result: unknown;
    let err: unknown;
    try {
      result = await run();
    } catch (thrown) {
      err = thrown;
    }
    const shown = isKitError(err) ? `error ${err.code}: ${err.message}` : err === undefined ? JSON.stringify(result) : `unexpected ${err instanceof Error ? err.message : "throw"}`;
    const problem = check(result, err);
    if (problem !== undefined) problems.push(`${title}: ${problem}, got ${shown}`);
    print(`  ${title} → ${shown}  ${problem === undefined ? "✓" : `✗ ${problem}`}`);
  };
  await call("sum(2, 3)", () => svc.sum(ctx, 2, 3), (v) => (v === 5 ? undefined : "expected 5"));
  await call('concat("kit", "go")', () => svc.concat(ctx, "kit", "go"), (v) => (v === "kitgo" ? undefined : 'expected "kitgo"'));
  await call("sum(0, 0)", () => svc.sum(ctx, 0, 0), (_v, err) =>
    isKitError(err) && err.code === "invalid_argument" && err.message === ErrorMessage.twoZeroes
      ? undefined
      : `expected invalid_argument "${ErrorMessage.twoZeroes}"`);
  return problems;
}
