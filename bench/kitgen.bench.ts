// kitgen's generated HTTP server against one written by hand (bench/kitgen/hand-written.ts: Kit's
// server and router, the request checked field by field in a hand-written decoder) and against
// addsvc's (kitgen's too, with Go kit's wire: @goJSON, its error body, the codes of its error
// messages, a 404 and /metrics of its own), serving the same service (addsvc's newBasicService)
// in the same process, with the same middleware (`observe`: logging to a nop logger, metrics to
// the discard provider) and validation on every side, driven by the same keep-alive node:http
// client with 32 calls outstanding:
//
// hand-written (bench/kitgen/hand-written.ts): POST /sum {"a":1,"b":2} → 3
// addsvc       (examples/addsvc/src/app.ts):   POST /sum {"a":1,"b":2} → {"v":3}
// generated    (bench/kitgen/generated):       POST /sum {"a":1,"b":2} → 3
//
// Target: the generated server reaches at least 0.95 of the hand-written one's calls per second.
// Then `kitgen gen` on a 50-method interface, run as a user runs it (node, the bin, a fresh
// process each time), timed three times. Target: under 3 s. Needs packages/kitgen built.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nop } from "@kit/log";
import { discard } from "@kit/metrics";
import { makeEndpoints as addsvcEndpoints } from "../examples/addsvc/src/generated/add.endpoints.ts";
import { httpHandler as addsvcHandler } from "../examples/addsvc/src/generated/add.http.ts";
import { withMiddleware as addsvcMiddleware } from "../examples/addsvc/src/generated/add.middleware.ts";
import { newBasicService } from "../examples/addsvc/src/service.ts";
import { compareAsync } from "./async-harness.ts";
import { handWrittenHandler } from "./kitgen/hand-written.ts";
import { printTable, ratio } from "./harness.ts";
import { makeEndpoints } from "./kitgen/generated/add.endpoints.ts";
import { httpHandler as generatedHandler } from "./kitgen/generated/add.http.ts";
import { withMiddleware } from "./kitgen/generated/add.middleware.ts";

const TARGET = 0.95;
const GEN_TARGET_MS = 3_000;
const IN_FLIGHT = 32;

const logger = nop();
const metrics = discard();
const addsvc = http.createServer(addsvcHandler(addsvcMiddleware(addsvcEndpoints(newBasicService()), { logger, metrics }), { errorHandler: { handle: () => undefined } }));
const generated = http.createServer(generatedHandler(withMiddleware(makeEndpoints(newBasicService()), { logger, metrics })));
const handWritten = http.createServer(handWrittenHandler(newBasicService(), { logger, metrics }));
const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};
const [addsvcPort, genPort, handPort] = [await listen(addsvc), await listen(generated), await listen(handWritten)];
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** One POST on the keep-alive agent; resolves once the body is read and equals `expect`. */
function post(port: number, body: string, expect: string): () => Promise<void> {
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", path: "/sum", method: "POST", headers, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          if (text === expect) resolve();
          else reject(new Error(`unexpected answer ${text}`));
        });
      });
      req.on("error", reject);
      req.end(body);
    });
}

const results = await compareAsync(
  [
    { name: "hand-written", run: post(handPort, '{"a":1,"b":2}', "3\n") },
    { name: "addsvc (Go kit's wire)", run: post(addsvcPort, '{"a":1,"b":2}', '{"v":3}\n') },
    { name: "kitgen generated", run: post(genPort, '{"a":1,"b":2}', "3\n") },
  ],
  { rounds: 7, roundMs: 1_000, warmupMs: 1_000, inFlight: IN_FLIGHT },
);
agent.destroy();
addsvc.close();
generated.close();
handWritten.close();
printTable(`Sum over HTTP, ${String(IN_FLIGHT)} in flight, one keep-alive client in the same process (calls/s)`, results, "hand-written");
const share = ratio(results, "kitgen generated", "hand-written");
console.log(`\ntarget: the generated server reaches at least ${String(TARGET)} of the hand-written one's: ${share >= TARGET ? "MET" : "NOT MET"} (${share.toFixed(2)})`);

// kitgen gen on a 50-method interface, each method with an object argument and an object result
// (every shape every transport carries: `note` is nullable, not also optional, which protobuf
// cannot tell apart).
const dir = mkdtempSync(join(tmpdir(), "kitgen-bench-"));
const methods = Array.from({ length: 50 }, (_, i) => `  /** Method ${String(i)}. */\n  method${String(i)}(ctx: Context, id: string, body: Payload): Promise<Result>;`);
writeFileSync(
  join(dir, "service.ts"),
  [
    "type Context = { readonly signal: AbortSignal };",
    "interface Line { readonly sku: string; /** @int32 @min 1 */ readonly quantity: number }",
    "interface Payload { readonly lines: readonly Line[]; readonly note: string | null; readonly kind: \"a\" | \"b\" | \"c\" }",
    "interface Result { readonly id: string; readonly total: number; readonly tags: Record<string, string> }",
    "export interface BigService {",
    ...methods,
    "}",
    "",
  ].join("\n"),
);
const bin = pathToFileURL(fileURLToPath(new URL("../packages/kitgen/bin/kitgen.js", import.meta.url))).href;
// The bin, run by a script that also reports the process's CPU time (user + system) on exit:
// on a loaded machine the wall time says more about the neighbours than about kitgen.
const withCpu = `process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("cpu " + String((u.user + u.system) / 1000)); }); await import(${JSON.stringify(bin)});`;
const times: number[] = [];
const cpu: number[] = [];
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", withCpu, "kitgen", "gen", join(dir, "service.ts")], { encoding: "utf8", timeout: 60_000 });
  times.push(performance.now() - start);
  if (result.status !== 0) throw new Error(`kitgen gen failed: ${result.stderr}`);
  cpu.push(Number(/cpu ([\d.]+)/.exec(result.stderr)?.[1]));
}
rmSync(dir, { recursive: true, force: true });
const median = [...times].sort((x, y) => x - y)[1] ?? Infinity;
console.log(`\nkitgen gen, 50 methods, all transports (a fresh node process each): ${times.map((t) => `${t.toFixed(0)} ms`).join(", ")}; median ${median.toFixed(0)} ms`);
console.log(`CPU time of each run (user + system): ${cpu.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
console.log(`target: under ${String(GEN_TARGET_MS)} ms: ${median < GEN_TARGET_MS ? "MET" : "NOT MET"}`);
if (share < TARGET || median >= GEN_TARGET_MS) process.exitCode = 1;
