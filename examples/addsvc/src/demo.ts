// The addsvc demo: `pnpm --filter addsvc demo` (`node src/demo.ts`). Starts addsvc on a free
// port of 127.0.0.1, calls it through the Kit HTTP client (a sum, a concat, a business error),
// prints each result on stdout, checks it, then reads what the instrumenting middleware counted
// at GET /metrics, and exits 0 only if all of it is right. The
// server's own log lines go to stderr, marked "server |".
import { background, isKitError, withTimeout } from "@kit/endpoint";
import * as log from "@kit/log";
import { start } from "./app.ts";
import { httpClient } from "./http.ts";

// Never hang: whatever happens, the demo is over in a few seconds.
const watchdog = setTimeout(() => {
  console.error("demo: gave up after 5 s");
  process.exit(1);
}, 5_000);
watchdog.unref();

console.log('Starting addsvc on 127.0.0.1 (its own log lines go to stderr, marked "server |").');
const serverLog = log.logfmtLogger({ write: (line: string) => process.stderr.write(`  server | ${line}`) });
const app = await start({ host: "127.0.0.1", port: 0, logger: serverLog });

let status: number | undefined;
const svc = httpClient(app.url, { finalizer: [(_ctx, outcome) => { status = outcome.status; }] });
const [ctx, cancel] = withTimeout(background(), 2_000);
let failures = 0;

/** Calls `call`, prints its result or error, and checks it with `check`, which says what was wrong. */
async function demo(title: string, call: () => Promise<unknown>, check: (result: unknown, err: unknown) => string | undefined): Promise<void> {
  console.log(title);
  let result: unknown;
  let err: unknown;
  try {
    result = await call();
  } catch (thrown) {
    err = thrown;
  }
  const shown = isKitError(err)
    ? `error ${err.code}: ${err.message} (HTTP ${String(status)})`
    : err === undefined ? JSON.stringify(result) : `unexpected ${err instanceof Error ? err.message : "throw"}`;
  const problem = check(result, err);
  if (problem !== undefined) failures += 1;
  console.log(`  → ${shown}  ${problem === undefined ? "✓" : `✗ ${problem}`}`);
}

console.log(`Calling it at ${app.url} through the Kit HTTP client:\n`);
try {
  await demo("sum(2, 3)", () => svc.sum(ctx, 2, 3), (v) => (v === 5 ? undefined : "expected 5"));
  await demo('concat("kit", "go")', () => svc.concat(ctx, "kit", "go"), (v) => (v === "kitgo" ? undefined : 'expected "kitgo"'));
  await demo("sum(0, 0)", () => svc.sum(ctx, 0, 0), (_v, err) =>
    isKitError(err) && err.code === "invalid_argument" && err.message === "can't sum two zeroes" && status === 400
      ? undefined
      : `expected invalid_argument "can't sum two zeroes" with HTTP 400`);

  console.log(`\nGET ${app.url}/metrics, the requests the instrumenting middleware counted:`);
  const scrape = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const counted = (await scrape.text()).split("\n").filter((line) => line.startsWith("addsvc_requests_total{"));
  for (const line of counted) console.log(`  ${line}`);
  const want = [
    'addsvc_requests_total{endpoint="sum",code="ok"} 1',
    'addsvc_requests_total{endpoint="sum",code="invalid_argument"} 1',
    'addsvc_requests_total{endpoint="concat",code="ok"} 1',
  ];
  const missing = want.filter((line) => !counted.includes(line));
  if (scrape.status !== 200 || missing.length > 0) {
    failures += 1;
    console.log(`  ✗ expected HTTP 200 with ${missing.join(", ")}`);
  } else {
    console.log("  ✓ (plus a latency histogram and an in-flight gauge per endpoint)");
  }
} finally {
  cancel();
  await app.close();
}

console.log(failures === 0 ? "\nAll 3 calls answered and counted as expected. Server closed." : `\n${String(failures)} of 4 checks went wrong.`);
clearTimeout(watchdog);
process.exitCode = failures === 0 ? 0 : 1;
