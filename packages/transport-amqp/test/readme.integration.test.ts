// The README's example, run from the README's own text (scripts/lib/readme.ts) against the
// shared RabbitMQ at 127.0.0.1:5672, as written there; what it prints is checked against its
// comments. Afterwards the queues and exchange it declared are deleted.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

const cleanup = `
{
  const amqp = await import("amqplib");
  const admin = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await admin.createChannel();
  for (const queue of ["sum", "sum.retry", "sum.dead"]) await channel.deleteQueue(queue);
  await channel.deleteExchange("sum.dlx");
  await admin.close();
}
`;

describe("README", () => {
  it("Example: a request answered through a connection that reconnects by itself", () => {
    const run = runReadmeExample(readme, { heading: "## Example", append: cleanup, timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.printed).toEqual(run.expected);
    expect(run.expected).toEqual(["{ v: 3 }"]);
    expect(run.status).toBe(0);
  });
});
