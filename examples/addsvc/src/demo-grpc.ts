// The gRPC part of the addsvc demo: calls a running addsvc gRPC server through the Kit gRPC
// client (Sum, Concat, a business error, the RunningSums server stream and a SumEach bidi
// call), prints each result, and throws if any is wrong. demo.ts runs it against a server
// started with start().
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { grpcClient } from "./demo-clients.ts";
import type { SumRequest } from "./generated/add.endpoints.ts";

/**
 * Calls addsvc over gRPC at `addr` and prints what each call returns through `print`, one line
 * per call (plus a line per bidi exchange). Throws an `Error` naming every call whose result
 * was wrong, after all have run; the calls share a 5 s deadline.
 *
 * @param addr - the server's `host:port`, such as `start(…).grpcAddr`
 * @param print - where the lines go, such as `console.log`
 *
 * @example
 * ```ts
 * const app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger });
 * await demoGrpc(app.grpcAddr, console.log);
 * ```
 */
export async function demoGrpc(addr: string, print: (line: string) => void): Promise<void> {
  const svc = grpcClient(addr);
  const [ctx, cancel] = withTimeout(background(), 5_000);
  const problems: string[] = [];

  const check = (title: string, shown: string, problem: string | undefined): void => {
    print(`${title}  →  ${shown}  ${problem === undefined ? "✓" : `✗ ${problem}`}`);
    if (problem !== undefined) problems.push(`${title}: ${problem}`);
  };
  const attempt = async <T>(call: () => Promise<T>): Promise<{ value?: T; err?: unknown }> => {
    try {
      return { value: await call() };
    } catch (err) {
      return { err };
    }
  };
  const describe = (err: unknown): string => (isKitError(err) ? `error ${err.code}: ${err.message}` : `unexpected ${String(err)}`);

  try {
    print(`Calling addsvc over gRPC at ${addr} through the Kit gRPC client:`);
    const sum = await attempt(() => svc.sum(ctx, 2, 3));
    check("Sum(2, 3)", sum.err === undefined ? String(sum.value) : describe(sum.err), sum.value === 5 ? undefined : "expected 5");

    const concat = await attempt(() => svc.concat(ctx, "kit", "go"));
    check('Concat("kit", "go")', concat.err === undefined ? JSON.stringify(concat.value) : describe(concat.err), concat.value === "kitgo" ? undefined : 'expected "kitgo"');

    const zero = await attempt(() => svc.sum(ctx, 0, 0));
    const zeroOk = isKitError(zero.err) && zero.err.code === "invalid_argument" && zero.err.message === "can't sum two zeroes";
    check("Sum(0, 0)", zero.err === undefined ? String(zero.value) : describe(zero.err), zeroOk ? undefined : `expected invalid_argument "can't sum two zeroes" (in the reply's err field)`);

    const totals = await attempt(async () => {
      const seen: number[] = [];
      for await (const total of svc.runningSums(ctx, [1, 2, 3, 4])) seen.push(total);
      return seen;
    });
    const totalsOk = JSON.stringify(totals.value) === JSON.stringify([1, 3, 6, 10]);
    check("RunningSums([1, 2, 3, 4]) (server stream)", totals.err === undefined ? JSON.stringify(totals.value) : describe(totals.err), totalsOk ? undefined : "expected [1,3,6,10]");

    print("SumEach (bidi): each pair is sent only after the previous answer came back");
    const pairs: SumRequest[] = [
      { a: 1, b: 1 },
      { a: 0, b: 0 },
      { a: 40, b: 2 },
    ];
    const answers: string[] = [];
    const exchange = await attempt(async () => {
      let answered = 0;
      let wake: (() => void) | undefined;
      async function* requests(): AsyncGenerator<SumRequest> {
        for (const [i, pair] of pairs.entries()) {
          yield pair;
          // wait for this pair's answer before sending the next: both directions are open at once
          while (answered <= i) await new Promise<void>((resolve) => (wake = resolve));
        }
      }
      for await (const response of svc.sumEach(ctx, requests())) {
        const pair = pairs[answered];
        const { err } = response;
        const line = err === undefined ? String(response.v) : `error ${err.code}: ${err.message}`;
        answers.push(line);
        print(`  sent ${JSON.stringify(pair)}  →  ${line}`);
        answered++;
        wake?.();
      }
      return answers;
    });
    const want = ["2", "error invalid_argument: can't sum two zeroes", "42"];
    check("SumEach (bidi)", exchange.err === undefined ? `${answers.length} answers` : describe(exchange.err), JSON.stringify(answers) === JSON.stringify(want) ? undefined : `expected ${JSON.stringify(want)}`);
  } finally {
    cancel();
    svc.close();
  }
  if (problems.length > 0) throw new Error(`addsvc gRPC demo: ${problems.length} wrong result(s): ${problems.join("; ")}`);
}
