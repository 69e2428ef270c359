// Run as a separate process by test/redis.integration.test.ts:
//   node test/support/take-tokens.ts <redis-url> <key> <rate> <burst> <attempts>
// Makes <attempts> concurrent allow() calls on the shared bucket and prints how many succeeded.
import { createClient } from "redis";
import { redisLimiter } from "../../src/redis.ts";

const [url, key, rate, burst, attempts] = process.argv.slice(2);
if (url === undefined || key === undefined || rate === undefined || burst === undefined || attempts === undefined) {
  console.error("usage: take-tokens.ts <redis-url> <key> <rate> <burst> <attempts>");
  process.exit(2);
}
const client = createClient({ url, socket: { reconnectStrategy: false } });
client.on("error", (err: unknown) => {
  console.error(err);
});
await client.connect();
try {
  const limit = redisLimiter(client, { key, rate: Number(rate), burst: Number(burst) });
  const results = await Promise.all(Array.from({ length: Number(attempts) }, () => limit.allow()));
  process.stdout.write(`${String(results.filter(Boolean).length)}\n`);
} finally {
  await client.close();
}
