import { RecordHeaders } from "./src/internal/record-headers.ts";
import { readTimeout } from "@kit/transport";
const N = 3e6;
const mk = () => ({ "content-type": Buffer.from("application/json"), "kit-timeout": Buffer.from("599999") });
const raws = Array.from({ length: 1000 }, mk);
const best = new Map<string, number>();
function bench(name: string, f: (raw: any) => number) {
  let s = 0;
  for (let i = 0; i < 2e5; i++) s += f(raws[i % 1000]);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) s += f(raws[i % 1000]);
  const ns = Number(process.hrtime.bigint() - t) / N;
  best.set(name, Math.min(best.get(name) ?? Infinity, ns));
}
const lc = (raw: any) => { for (const name in raw) if (name !== name.toLowerCase()) return 0; return 1; };
const lc2 = (raw: any) => { for (const name in raw) for (let i = 0; i < name.length; i++) { const c = name.charCodeAt(i); if (c >= 65 && c <= 90) return 0; } return 1; };
const lc3 = (raw: any) => { const names = Object.keys(raw); for (let j = 0; j < names.length; j++) { const name = names[j]!; for (let i = 0; i < name.length; i++) { const c = name.charCodeAt(i); if (c >= 65 && c <= 90) return 0; } } return 1; };
const u = (b: Buffer) => { let out = ""; for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]!); return out; };
const u2 = (b: Buffer) => b.latin1Slice(0, b.length);
for (let k = 0; k < 5; k++) {
  bench("RecordHeaders reply+timeout", (raw) => { const h = new RecordHeaders(raw); h.get("kit-reply-topic"); return readTimeout(h) ?? 0; });
  bench("new RecordHeaders", (raw) => { const h = new RecordHeaders(raw); return h ? 1 : 0; });
  bench("lowerCaseNames toLowerCase", lc);
  bench("lowerCaseNames charCodes for-in", lc2);
  bench("lowerCaseNames charCodes keys", lc3);
  bench("hasOwn x2", (raw) => (Object.hasOwn(raw, "kit-reply-topic") ? 0 : 1) + (Object.hasOwn(raw, "kit-timeout") ? 1 : 0));
  bench("utf8 loop", (raw) => u(raw["kit-timeout"]).length);
  bench("latin1Slice", (raw) => u2(raw["kit-timeout"]).length);
  bench("readTimeout map", (raw) => readTimeout({ get: () => "599999", set() {} }) ?? 0);
}
for (const [k, v] of best) console.log(v.toFixed(1).padStart(7), "ns ", k);
