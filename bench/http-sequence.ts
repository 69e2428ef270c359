// One connection, one request at a time: `node http-sequence.ts <url> <ms>` posts the Sum
// body for `ms` milliseconds, each request sent when the previous answer is read, and prints
// {"count", "p50", "p99"} with the latencies in microseconds. Run by `http.bench.ts` in a
// process of its own, as autocannon is, so the client's work is not the server's.
import http from "node:http";

const [url = "", ms = "1000"] = process.argv.slice(2);
const body = '{"a":1,"b":2}';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode === 200) resolve();
        else reject(new Error(`status ${String(res.statusCode)}`));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const latencies: number[] = [];
for (let i = 0; i < 200; i++) await once(); // warm the connection and the JIT
const until = performance.now() + Number(ms);
while (performance.now() < until) {
  const start = performance.now();
  await once();
  latencies.push((performance.now() - start) * 1000);
}
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({ count: latencies.length, p50: at(0.5), p99: at(0.99) }));
