// The README's example, line for line (to a server on port 0), with the write InfluxDB received asserted.
import { afterEach, describe, expect, it } from "vitest";
import { type InfluxDb, influxdb } from "./support/influxdb.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { influx } from "../src/index.ts";

let db: InfluxDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("README example", () => {
  it("writes the counter and the histogram to the v2 write API", async () => {
    db = await influxdb();
    const url = db.url;
    const token = "s3cr3t";
    const metrics = influx({ url, org: "acme", bucket: "svc", token, tags: { region: "eu" } });
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
    jobs.with({ queue: "mail" }).add(1); // bind once with `with`, record many times
    metrics.histogram({ name: "latency_seconds", help: "Latency." }).observe(0.25);

    await metrics.stop(); // flushes

    const [write] = await db.waitFor(1);
    expect(write?.url).toBe("/api/v2/write?org=acme&bucket=svc&precision=ms");
    expect(write?.headers.authorization).toBe("Token s3cr3t");
    expect(write?.body).toMatch(
      /^jobs_total,queue=mail,region=eu count=1 (\d{13})\nlatency_seconds,region=eu count=1,sum=0\.25,p50=0\.25,p90=0\.25,p95=0\.25,p99=0\.25 \1\n$/,
    );
  });
});
