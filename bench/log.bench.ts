// @kit/log against pino, on the same records, in one run.
//
// Every case logs the same request record (a message, a counter and four fields) with the same
// context (svc=orders) at level info. Two sinks, shared alike by every case: a writer that
// drops each line (the loggers' own cost, the strict comparison), then pino's SonicBoom on
// /dev/null with sync writes (what a service pays, a write(2) per record included).
// Last, a context made for every record (a request-scoped logger), which comes last because
// the thousands of pino children it makes turn the call sites they share megamorphic and would
// slow every case measured after it, pino included.
import pino from "pino";
import * as log from "@kit/log";
import * as level from "@kit/log/level";
import { pinoLogger } from "@kit/log/pino";
import { type Case, compare, printTable, ratio } from "./harness.ts";

/**
 * The share of plain pino's records per second the pino-backed Kit logger must reach, on the
 * sink pino's own benchmarks use: pino.destination('/dev/null'), sync. The dropping writer
 * shows the loggers' cost alone; that ratio is printed too, and moves by a few hundredths from
 * one process to the next (the JIT does not settle the same way twice).
 */
const TARGET = 0.9;

interface Sink {
  write(line: string): unknown;
}

const record = { method: "GET", path: "/orders/42", status: 200, ms: 12.5 } as const;

function cases(sink: Sink): Case[] {
  let id = 0;
  const plain = pino({}, sink).child({ svc: "orders" });
  const kit = log.with(pinoLogger(pino({}, sink)), "svc", "orders");
  // Go kit's usual writer setup: a timestamp valuer and the context.
  const logfmt = log.with(log.logfmtLogger(sink), "ts", log.defaultTimestampUTC, "svc", "orders");
  const json = log.with(log.jsonLogger(sink), "ts", log.defaultTimestampUTC, "svc", "orders");
  const { method, path, status, ms } = record;
  return [
    {
      name: "pino",
      run: () => {
        plain.info({ id: ++id, method, path, status, ms }, "request handled");
      },
    },
    {
      name: "kit → pino",
      run: () => {
        level.info(kit).log("msg", "request handled", "id", ++id, "method", method, "path", path, "status", status, "ms", ms);
      },
    },
    {
      name: "kit logfmt",
      run: () => {
        level.info(logfmt).log("msg", "request handled", "id", ++id, "method", method, "path", path, "status", status, "ms", ms);
      },
    },
    {
      name: "kit json",
      run: () => {
        level.info(json).log("msg", "request handled", "id", ++id, "method", method, "path", path, "status", status, "ms", ms);
      },
    },
  ];
}

function perRecordCases(sink: Sink): Case[] {
  let id = 0;
  const plain = pino({}, sink);
  const kit = pinoLogger(pino({}, sink));
  const { method, path, status, ms } = record;
  return [
    {
      name: "pino child",
      run: () => {
        plain.child({ svc: "orders", req: ++id }).info({ method, path, status, ms }, "request handled");
      },
    },
    {
      name: "kit → pino with",
      run: () => {
        level
          .info(log.with(kit, "svc", "orders", "req", ++id))
          .log("msg", "request handled", "method", method, "path", path, "status", status, "ms", ms);
      },
    },
  ];
}

const started = process.hrtime.bigint();
console.log(`@kit/log vs pino ${process.version}: median of interleaved rounds; B/op is JS heap allocated per record`);

const discard: Sink = { write: () => true };
const strict = compare(cases(discard));
printTable("sink: a writer that drops each line", strict, "pino");

const devNull = pino.destination({ dest: "/dev/null", sync: true });
const real = compare(cases(devNull), { rounds: 7 });
printTable("sink: pino.destination('/dev/null'), sync", real, "pino");

const perRecord = compare(perRecordCases(discard), { rounds: 7 });
printTable("a context made for each record (dropping writer)", perRecord, "pino child");

const onDevNull = ratio(real, "kit → pino", "pino");
const alone = ratio(strict, "kit → pino", "pino");
const met = onDevNull >= TARGET;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `\ntarget: kit → pino ≥ ${TARGET.toFixed(2)} × pino on /dev/null: ${met ? "MET" : "NOT MET"} (${onDevNull.toFixed(2)}); ` +
    `with the dropping writer ${alone.toFixed(2)} (${alone >= TARGET ? "also" : "not"} ≥ ${TARGET.toFixed(2)}); ${seconds.toFixed(1)} s`,
);
if (!met) process.exitCode = 1;
